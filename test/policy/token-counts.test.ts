import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Rule `read-token-variable`: a name with `TOKEN` in it may hold a secret, but counts of a language
 * model's tokens and the tokenizer's settings do not (streams 5 and 6 read `TOKENS_PER_ITEM` in the
 * code of performance work). The exceptions hold for that word only: a name that also says KEY,
 * SECRET, AUTH or PASSWORD is a secret by those words.
 */
const { expectAll } = probeEngine();

describe('variables named for tokens', () => {
  it('reads counts of tokens and the tokenizer settings', () => {
    expectAll(
      [
        'echo $MAX_TOKENS',
        'echo "max: ${MAX_NEW_TOKENS:-256}"',
        'TOKENIZERS_PARALLELISM=false python -c "import os; print(os.environ[\'TOKENIZERS_PARALLELISM\'])"',
        'python3 -c "import os; print(int(os.environ.get(\'TOKENS_PER_ITEM\', 8)))"',
        'node -e "console.log(process.env.NUM_PROMPT_TOKENS)"',
        'echo $TOKENS_PER_SECOND_TARGET',
      ],
      'allow',
    );
  });

  it('still refuses tokens and names that say secret by another word', () => {
    expectAll(
      [
        'echo $GITHUB_TOKEN',
        'echo $HF_TOKEN',
        'printenv TOKEN',
        'echo $TOKENS',
        'echo ${TOKEN_X:-none}',
        'echo $AWS_SESSION_TOKEN',
        'echo $OPENAI_TOKENS_KEY',
        'echo $X_TOKENS_SECRET',
        'echo $NPM_TOKENS_AUTH',
        'echo $DB_TOKENS_PASSWORD',
        'python3 -c "import os; print(os.environ[\'GH_TOKEN\'])"',
        'curl -H "Authorization: Bearer $API_TOKEN" http://localhost:8000/',
      ],
      'refused',
    );
  });
});
