import {useEffect, useId, useState, type ReactNode} from 'react';
import {apiGet, apiSend, localQuizzes, sandboxConfig, saveLocalQuiz} from '@site/src/components/sandbox/client';
import type {Progress, QuizRecord} from '@site/src/components/sandbox/types';
import styles from './styles.module.css';

export interface QuizAnswer {
  text: ReactNode;
  correct?: boolean;
  /** Why this answer is right or wrong: shown once the learner has answered. */
  explanation: ReactNode;
}

export interface QuizQuestion {
  /** Stable across edits of the wording, so a saved result still matches (default: the position). */
  id?: string;
  question: ReactNode;
  answers: QuizAnswer[];
}

export interface QuizProps {
  /** Names the quiz in .awslings/progress.json. */
  id: string;
  title?: string;
  questions: QuizQuestion[];
}

const qid = (q: QuizQuestion, i: number) => q.id ?? String(i);

/**
 * A multiple-choice knowledge check. The result is kept through the sandbox
 * in .awslings/progress.json (with the labs), or in the browser when the page
 * was not served by the sandbox.
 */
export default function Quiz({id, title = 'Check your understanding', questions}: QuizProps): ReactNode {
  const uid = useId();
  const [chosen, setChosen] = useState<Record<string, number>>({});
  const [submitted, setSubmitted] = useState(false);
  const [saved, setSaved] = useState<QuizRecord>();
  const [note, setNote] = useState('');
  const [loaded, setLoaded] = useState(false);

  // The last result, if any: shown answered, with its explanations.
  useEffect(() => {
    let live = true;
    const restore = (r?: QuizRecord) => {
      if (!live) return;
      setLoaded(true);
      if (!r) return;
      setSaved(r);
      setChosen(r.answers);
      setSubmitted(true);
    };
    if (sandboxConfig()) {
      apiGet<Progress>('/api/progress').then(
        (p) => restore(p.quizzes?.[id]),
        () => restore(localQuizzes()[id]),
      );
    } else restore(localQuizzes()[id]);
    return () => {
      live = false;
    };
  }, [id]);

  const correctCount = questions.filter((q, i) => q.answers[chosen[qid(q, i)]]?.correct).length;
  const allAnswered = questions.every((q, i) => chosen[qid(q, i)] !== undefined);

  const submit = async () => {
    const record: QuizRecord = {answers: chosen, correct: correctCount, total: questions.length, at: new Date().toISOString()};
    setSubmitted(true);
    setSaved(record);
    setNote(`${correctCount} of ${questions.length} correct.`);
    saveLocalQuiz(id, record);
    if (sandboxConfig()) {
      try {
        await apiSend(`/api/progress/quizzes/${encodeURIComponent(id)}`, {answers: chosen, correct: correctCount, total: questions.length}, 'PUT');
        setNote(`${correctCount} of ${questions.length} correct. Saved with your progress.`);
      } catch {
        setNote(`${correctCount} of ${questions.length} correct. Saved in this browser only (the sandbox did not answer).`);
      }
    }
  };

  const retry = () => {
    setChosen({});
    setSubmitted(false);
    setNote('');
  };

  return (
    <section className={styles.quiz} aria-labelledby={`${uid}-title`} data-quiz={id} data-quiz-loaded={loaded || undefined}>
      <h2 id={`${uid}-title`} className={styles.title}>
        {title}
      </h2>
      {saved && submitted && (
        <p className={styles.score} data-quiz-score>
          Your result: <strong>{saved.correct}</strong> of {saved.total} correct.
        </p>
      )}
      {questions.map((q, i) => {
        const key = qid(q, i);
        const pick = chosen[key];
        return (
          <fieldset key={key} className={styles.question}>
            <legend className={styles.legend}>
              {i + 1}. {q.question}
            </legend>
            {q.answers.map((a, j) => {
              const inputId = `${uid}-${i}-${j}`;
              const state = submitted && pick === j ? (a.correct ? 'right' : 'wrong') : submitted && a.correct ? 'missed' : undefined;
              return (
                <div key={j} className={styles.answer} data-state={state}>
                  <input
                    type="radio"
                    id={inputId}
                    name={`${uid}-${i}`}
                    checked={pick === j}
                    disabled={submitted}
                    onChange={() => setChosen((c) => ({...c, [key]: j}))}
                  />
                  <label htmlFor={inputId}>
                    {a.text}
                    {state === 'right' && <span className={styles.mark}> ✔ Correct</span>}
                    {state === 'wrong' && <span className={styles.mark}> ✘ Not quite</span>}
                    {state === 'missed' && <span className={styles.mark}> (the right answer)</span>}
                  </label>
                  {submitted && (pick === j || a.correct) && <p className={styles.explanation}>{a.explanation}</p>}
                </div>
              );
            })}
          </fieldset>
        );
      })}
      <div className={styles.actions}>
        {submitted ? (
          <button type="button" className="button button--secondary" onClick={retry}>
            Try again
          </button>
        ) : (
          <button type="button" className="button button--primary" disabled={!allAnswered} onClick={submit}>
            Check my answers
          </button>
        )}
        <span role="status" aria-live="polite" className={styles.note}>
          {note}
        </span>
      </div>
    </section>
  );
}
