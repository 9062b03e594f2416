import { TransientError } from '../shared/errors';

/**
 * A fake provider that can lose answers after it applied the call (a timeout, or the caller dying before
 * it recorded the answer): `loseAnswers` the next N answers of any write, `loseAnswersOf` the next N of
 * one operation (Infinity: all of them). `onAnswerLost` runs before the caller sees the timeout, e.g. to
 * let the customer cancel meanwhile.
 */
export interface LosesAnswers<Operation extends string> {
  loseAnswers: number;
  readonly loseAnswersOf: Partial<Record<Operation, number>>;
  onAnswerLost: (operation: Operation) => Promise<unknown>;
}

/** Called once a call's effect applied: throws a TransientError when its answer is to be lost. */
export async function loseAnswerIfDue<Operation extends string>(
  fake: LosesAnswers<Operation>,
  operation: Operation,
  message: string,
): Promise<void> {
  const ofOperation = fake.loseAnswersOf[operation] ?? 0;
  if (fake.loseAnswers > 0) fake.loseAnswers--;
  else if (ofOperation > 0) fake.loseAnswersOf[operation] = ofOperation - 1;
  else return;
  await fake.onAnswerLost(operation);
  throw new TransientError(message);
}
