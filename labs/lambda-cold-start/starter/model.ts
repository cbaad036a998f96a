// The "model" of a tiny sentiment analyser: a score for each word it knows.
//
// A real model is a file of many megabytes that the function downloads (from S3, say) and parses
// before it can answer anything. That takes the same long time whenever it is done. loadModel()
// stands in for it: it always takes LOAD_MS milliseconds, whatever the machine.
//
// Leave this file as it is. What you change is *when* handler.ts calls loadModel().

export const LOAD_MS = 400;

const SCORES: Record<string, number> = {
  love: 3,
  great: 3,
  excellent: 3,
  good: 2,
  nice: 2,
  like: 1,
  fine: 1,
  slow: -1,
  meh: -1,
  bad: -2,
  poor: -2,
  awful: -3,
  hate: -3,
};

export async function loadModel(): Promise<Map<string, number>> {
  await new Promise((resolve) => setTimeout(resolve, LOAD_MS)); // the download and the parsing
  return new Map(Object.entries(SCORES));
}
