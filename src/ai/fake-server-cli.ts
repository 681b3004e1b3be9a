/**
 * Runs the fake OpenAI endpoint on its own, for development:
 *
 *   npx tsx src/ai/fake-server-cli.ts --port 8787 --mode happy --delay-ms 500
 *
 * then point Docent's AI base URL at the printed address.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { type FakeOpenAiBehaviour, startFakeOpenAiServer } from './fake-server.js';

const MODES = [
  'happy',
  'malformed',
  'rate-limited',
  'server-error',
  'quota-exhausted',
  'unauthorized',
];

function parseNonNegativeInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new InvalidArgumentError('not a whole number ≥ 0');

  return parsed;
}

function behaviourFor(mode: string, times: number, retryAfterSeconds: number): FakeOpenAiBehaviour {
  switch (mode) {
    case 'malformed':
      return { kind: 'malformed' };
    case 'rate-limited':
      return { kind: 'rate-limited', times, retryAfterSeconds };
    case 'server-error':
      return { kind: 'server-error', times };
    case 'quota-exhausted':
      return { kind: 'quota-exhausted' };
    case 'unauthorized':
      return { kind: 'unauthorized' };
    default:
      return { kind: 'happy' };
  }
}

async function main(): Promise<void> {
  const program = new Command('docent-fake-openai')
    .description('fake OpenAI chat completions endpoint for Docent development')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', parseNonNegativeInt, 8787)
    .addOption(new Option('--mode <mode>', 'how to answer').choices(MODES).default('happy'))
    .option(
      '--times <n>',
      'failing replies before happy ones (rate-limited, server-error)',
      parseNonNegativeInt,
      1,
    )
    .option('--retry-after <seconds>', 'retry-after sent with 429', parseNonNegativeInt, 2)
    .option('--delay-ms <ms>', 'wait before every reply', parseNonNegativeInt, 0)
    .option('--api-key <key>', 'only accept this bearer key')
    .parse();

  const opts = program.opts<{
    host: string;
    port: number;
    mode: string;
    times: number;
    retryAfter: number;
    delayMs: number;
    apiKey?: string;
  }>();
  const server = await startFakeOpenAiServer({
    host: opts.host,
    port: opts.port,
    behaviour: behaviourFor(opts.mode, opts.times, opts.retryAfter),
    delayMs: opts.delayMs,
    ...(opts.apiKey === undefined ? {} : { apiKey: opts.apiKey }),
  });
  process.stdout.write(`fake OpenAI listening on ${server.baseUrl} (mode ${opts.mode})\n`);

  const shutdown = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
