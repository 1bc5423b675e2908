// Guards one disk-fill file: deletes it at the deadline (the fault's lease;
// the parent sends {deadlineMs} on renewal), when the parent goes away (IPC
// channel closes, e.g. the agent was SIGKILLed), or on SIGTERM/SIGINT.
// Usage: node fill-watchdog.mjs <file> <deadlineEpochMs>
import { rmSync } from 'node:fs';

const file = process.argv[2];
let deadlineMs = Number(process.argv[3]);
let timer;

function cleanupAndExit() {
  try { rmSync(file, { force: true }); } catch { /* nothing left to do */ }
  process.exit(0);
}

function arm() {
  clearTimeout(timer);
  timer = setTimeout(cleanupAndExit, Math.max(0, deadlineMs - Date.now()));
}

process.on('message', (msg) => {
  if (msg && typeof msg.deadlineMs === 'number') { deadlineMs = msg.deadlineMs; arm(); }
  if (msg && msg.stop) cleanupAndExit();
});
process.on('disconnect', cleanupAndExit);
process.on('SIGTERM', cleanupAndExit);
process.on('SIGINT', cleanupAndExit);
arm();
process.send?.({ ready: true });
