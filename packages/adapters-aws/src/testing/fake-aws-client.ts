/** A command as the code under test built it: its class name and its input. */
export interface SentCommand {
  name: string;
  input: Record<string, unknown>;
}

export type Respond = (command: SentCommand, callIndex: number) => unknown;

/**
 * A hand-written stand-in for an AWS SDK v3 client: the adapters only ever call `send(command)`, so the
 * fake records each command and answers from `respond` (return a value, or throw an SDK exception).
 */
export function fakeAwsClient<Client>(respond: Respond): { client: Client; sent: SentCommand[] } {
  const sent: SentCommand[] = [];
  const send = async (command: { input: Record<string, unknown> }) => {
    const recorded = { name: command.constructor.name, input: command.input };
    sent.push(recorded);
    return respond(recorded, sent.length - 1);
  };
  // The adapters use no other member of the client, so the partial object is a complete fake for them.
  return { client: { send } as unknown as Client, sent };
}

/** Answers the n-th call with the n-th response; a response that is an Error is thrown. */
export function scripted(...responses: unknown[]): Respond {
  return (_command, index) => {
    const response = responses[index];
    if (response === undefined) throw new Error(`unexpected call #${index + 1}`);
    if (response instanceof Error) throw response;
    return response;
  };
}

export const noSleep = async (_ms: number): Promise<void> => {};
