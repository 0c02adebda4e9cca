import type { Command } from 'commander';
import { actionContextFromEnv, runAction, runFixCommand } from '../../github/index.js';

interface RunFlags {
  eventName?: string;
  eventPath?: string;
  repository?: string;
  workspace?: string;
  out?: string;
  label?: string;
  triggerPhrase?: string;
  mention?: string;
  assignee?: string;
  maxTurns?: string;
  tools?: string;
  allowUsers?: string;
  model?: string;
  baseUrl?: string;
  maxCost?: string;
  candidates?: string;
  timeoutMinutes?: string;
  policy?: string;
  script?: string;
  checkOnly?: boolean;
}

export function registerGithubCommand(program: Command): void {
  const github = program
    .command('github')
    .description(
      'the GitHub Action: a labelled issue or a /drydock comment becomes a draft pull request; /drydock feedback on it becomes a follow-up commit',
    );
  github
    .command('run')
    .description(
      "handle one GitHub event as the action does: check the trigger and the actor, run drydock fix on the issue (or on drydock's pull-request branch, for feedback there), keep one tracking comment up to date, push drydock/issue-N and open a draft pull request, or push a follow-up commit and reply in the thread (or say why not). Reads GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_REPOSITORY, GITHUB_TOKEN, GITHUB_API_URL, GITHUB_WORKSPACE, GITHUB_OUTPUT and the inputs from INPUT_<NAME>; the model API key only from INPUT_API_KEY (never a flag)",
    )
    .option('--event-name <name>', 'the event (default: $GITHUB_EVENT_NAME)')
    .option('--event-path <file>', 'the event payload (default: $GITHUB_EVENT_PATH)')
    .option('--repository <owner/name>', 'the repository (default: $GITHUB_REPOSITORY)')
    .option(
      '--workspace <dir>',
      'the checked-out repository (default: $GITHUB_WORKSPACE, else the current directory)',
    )
    .option(
      '--out <dir>',
      'where the issue text, patch, summary and trajectory go (default: $RUNNER_TEMP/drydock, else drydock in the system temp directory)',
    )
    .option('--label <name>', "the label that starts a run (default: drydock; 'off' turns it off)")
    .option(
      '--trigger-phrase <text>',
      "a comment starting with it starts a run (default: /drydock; 'off' turns it off)",
    )
    .option('--mention <handle>', 'an @-mention of this handle in a comment starts a run (default: off)')
    .option('--assignee <user>', 'assigning an issue to this user starts a run (default: off)')
    .option('--max-turns <n>', 'model turns for one run')
    .option('--tools <preset>', 'what the agent may run: default, tests-only or read-only')
    .option('--allow-users <list>', 'comma-separated users and bots who may start a run without write access')
    .option('--model <name>', 'the model name')
    .option('--base-url <url>', 'an OpenAI-compatible endpoint')
    .option('--max-cost <usd>', 'the run budget in USD')
    .option('--candidates <n>', 'candidate patches to validate')
    .option('--timeout-minutes <n>', 'the run time limit (default: 30)')
    .option('--policy <file>', 'an extra policy rule file (a path in the repository)')
    .option('--script <file>', 'a scripted-model file instead of a model endpoint (a path in the repository)')
    .option(
      '--check-only',
      'only check the trigger and the actor (commenting on a refused actor) and write allowed=true|false to GITHUB_OUTPUT',
    )
    .action(async (f: RunFlags) => {
      const inputs = {
        label: f.label,
        'trigger-phrase': f.triggerPhrase,
        mention: f.mention,
        assignee: f.assignee,
        'max-turns': f.maxTurns,
        tools: f.tools,
        'allow-users': f.allowUsers,
        model: f.model,
        'base-url': f.baseUrl,
        'max-cost': f.maxCost,
        candidates: f.candidates,
        'timeout-minutes': f.timeoutMinutes,
        policy: f.policy,
        script: f.script,
      };
      const ctx = actionContextFromEnv(
        process.env,
        {
          eventName: f.eventName,
          eventPath: f.eventPath,
          repository: f.repository,
          workspace: f.workspace,
          out: f.out,
          inputs,
        },
        (line) => process.stdout.write(`${line}\n`),
      );
      await runAction(ctx, { runFix: runFixCommand, checkOnly: f.checkOnly });
    });
}
