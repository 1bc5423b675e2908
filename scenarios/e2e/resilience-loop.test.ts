// The end-to-end resilience loop: each part starts `faultline up` and a
// scenario of real instrumented processes. They are one test file so they run
// one after another: two of them side by side load a 2-core machine until
// latency noise hides the very faults they inject.
import './loop.ts';
import './chaos-loop.ts';
import './origin.ts';
