/**
 * Presets that narrow what the model may call, for users who want an agent that only reads, or
 * only edits and runs the tests. A preset removes tools from what the model is offered, and a
 * call to a removed tool is refused like a policy denial, with the preset as the rule, so the
 * trajectory shows what was refused and why.
 */
export const TOOL_PRESETS = {
  /** Every tool; the policy decides each command. */
  default: [],
  /** Reading, editing and the test command; no other shell commands. */
  'tests-only': ['bash'],
  /** Reading only: no edits, no shell commands, no test runs. */
  'read-only': ['bash', 'edit', 'run_tests'],
} as const satisfies Record<string, readonly string[]>;

export type ToolPreset = keyof typeof TOOL_PRESETS;

export function isToolPreset(name: string): name is ToolPreset {
  return Object.hasOwn(TOOL_PRESETS, name);
}

/** The tools a preset takes away. */
export function excludedTools(preset: ToolPreset | undefined): readonly string[] {
  return TOOL_PRESETS[preset ?? 'default'];
}
