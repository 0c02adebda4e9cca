/**
 * The trajectory's event vocabulary is defined in src/core (every layer reports in it, and
 * takes the event types from there); this layer adds the line format's version and writes,
 * reads and prints the events. A file's events, envelope included, are re-exported for its
 * readers.
 */
export type { EventEnvelope, TrajectoryEvent, TrajectoryEventBody } from '../core/index.js';

export const TRAJECTORY_FORMAT_VERSION = 1;
