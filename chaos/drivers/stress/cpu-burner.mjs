// One core of CPU load: busy for `percent` of every 100 ms period, idle for
// the rest. Plain JavaScript so it starts fast without tsx.
// Usage: node cpu-burner.mjs <percent> <deadlineEpochMs> <tag>
// Stops at the deadline (the fault's lease; the parent sends {deadlineMs} on
// renewal) or as soon as the parent goes away (IPC channel closes).
const PERIOD_MS = 100;
const percent = Number(process.argv[2]);
let deadlineMs = Number(process.argv[3]);

process.on('message', (msg) => {
  if (msg && typeof msg.deadlineMs === 'number') deadlineMs = msg.deadlineMs;
  if (msg && msg.stop) process.exit(0);
});
process.on('disconnect', () => process.exit(0));

function period() {
  const start = Date.now();
  if (start >= deadlineMs || !process.connected) process.exit(0);
  const busyUntil = start + (PERIOD_MS * percent) / 100;
  let x = 0;
  while (Date.now() < busyUntil) x += Math.sqrt(x + 1);
  // Always yield to the event loop, so IPC (renewals, parent death) is seen.
  setTimeout(period, Math.max(0, start + PERIOD_MS - Date.now()));
}
period();
