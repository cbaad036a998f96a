// A sentiment scorer: { "text": "I love this great phone" } → { "score": 6, "words": 5 }.
import { loadModel } from './model';

// The init phase: code outside the handler runs once per execution environment, before its first
// invocation (an ES module may await at its top level). Warm invocations reuse `model`, and with
// provisioned concurrency this runs before any request arrives.
const model = await loadModel();

interface ScoreEvent {
  text?: string;
}

export const handler = async (event: ScoreEvent) => {
  const words = (event?.text ?? '').toLowerCase().match(/[a-z]+/g) ?? [];
  const score = words.reduce((sum, word) => sum + (model.get(word) ?? 0), 0);
  return { score, words: words.length };
};
