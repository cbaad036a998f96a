// A sentiment scorer: { "text": "I love this great phone" } → { "score": 6, "words": 5 }.
import { loadModel } from './model';

interface ScoreEvent {
  text?: string;
}

export const handler = async (event: ScoreEvent) => {
  // TODO: this loads the model on every invocation, and that costs about 400 ms each time.
  //       Load it once per execution environment instead: in the init phase, outside the handler,
  //       so that warm invocations reuse it.
  const model = await loadModel();

  const words = (event?.text ?? '').toLowerCase().match(/[a-z]+/g) ?? [];
  const score = words.reduce((sum, word) => sum + (model.get(word) ?? 0), 0);
  return { score, words: words.length };
};
