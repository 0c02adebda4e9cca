#!/usr/bin/env -S node --single-threaded-gc
// --single-threaded-gc: V8's collection helper threads run at normal priority, and their work for
// the policy's decision threads (SCHED_IDLE) took the core a waiting caller spins on: in seven
// interleaved pairs of 880 long-input rounds, 42 rounds over 10 ms without it, 12 with it
// (src/policy/offload.ts). V8 aborts when it is set after start, so it is given here.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
