import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/** `cargo search`/`cargo info` read the configured registry's index (benign probe 22 left them refused). */
const { expectAll } = probeEngine();

describe('cargo search and cargo info', () => {
  it('are allowed against the configured registry', () => {
    expectAll(['cargo search serde', 'cargo search serde --limit 5', 'cargo info tokio'], 'allow');
  });
  it('ask for another index or an unknown option', () => {
    expectAll(
      [
        'cargo search x --index https://x.example/index',
        'cargo info tokio --index=sparse+https://x.example/',
        'cargo search serde --proxy http://x.example',
      ],
      'refused',
    );
  });
});
