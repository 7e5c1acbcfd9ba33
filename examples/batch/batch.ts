// Generates a grid for each prompt, a few at a time, and prints progress as it goes.
//   node batch/batch.ts "a red fox in snow" "a lighthouse at dusk" …
// Reads the vendor from the environment (IMAGINEPRO_API_KEY, <VENDOR>_BASE_URL, …): see ../README.md.
import { createGateway, type Job, MjGateError } from 'mjgate';

const DEFAULT_PROMPTS = ['a red fox in snow', 'a lighthouse at dusk', 'a paper boat on a pond', 'a city of glass'];
/** Jobs in flight at once: vendors queue the rest anyway, and a small number keeps rate limits away. */
const CONCURRENCY = Number(process.env.BATCH_CONCURRENCY ?? 2);

const prompts = process.argv.length > 2 ? process.argv.slice(2) : DEFAULT_PROMPTS;
const mj = createGateway();
const progress = prompts.map(() => 0);
let finished = 0;
let lastReported = -1;

/** One line whenever the batch's overall progress moves by a tenth, so logs stay short. */
function report(): void {
  const overall = Math.floor(progress.reduce((sum, p) => sum + p, 0) / prompts.length);
  if (Math.floor(overall / 10) === Math.floor(lastReported / 10)) return;
  lastReported = overall;
  console.log(`progress ${overall}% (${finished}/${prompts.length} done)`);
}

async function generate(index: number): Promise<Job | MjGateError> {
  const prompt = prompts[index] as string;
  try {
    const job = await mj.run(
      { prompt },
      {
        onProgress(job) {
          progress[index] = job.progress ?? 0;
          report();
        },
      },
    );
    return job;
  } catch (error) {
    if (MjGateError.isInstance(error)) return error;
    throw error;
  } finally {
    progress[index] = 100;
    finished += 1;
    report();
  }
}

const outcomes: Array<Job | MjGateError> = new Array(prompts.length);
let next = 0;
async function worker(): Promise<void> {
  while (next < prompts.length) {
    const index = next++;
    outcomes[index] = await generate(index);
  }
}
await Promise.all(Array.from({ length: Math.min(CONCURRENCY, prompts.length) }, worker));

let failures = 0;
outcomes.forEach((outcome, index) => {
  if (outcome instanceof Error) {
    failures += 1;
    console.log(`✗ ${prompts[index]}: ${outcome.message}`);
  } else {
    console.log(`✓ ${prompts[index]}: ${outcome.id} ${outcome.gridUrl ?? outcome.images[0]?.url ?? ''}`);
  }
});
console.log(`batch: ${prompts.length - failures} succeeded, ${failures} failed`);
process.exitCode = failures > 0 ? 1 : 0;
