import { useState } from 'react';
import { type ControlAction, sendControl } from '../api/front-door-api';
import { ProblemError } from '../api/problem';

export interface RegionControls {
  /** The action waiting for its 202, if any (buttons show it as busy). */
  pending: ControlAction | undefined;
  notice: string;
  error: unknown;
  /** The front door answered 404: no control endpoints here (AWS, or a single-region build). */
  unavailable: boolean;
  run: (action: ControlAction) => Promise<void>;
}

export function describeAction(action: ControlAction): string {
  switch (action.kind) {
    case 'kill-region':
      return `Kill ${action.region}`;
    case 'start-region':
      return `Restart ${action.region}`;
    case 'cut-link':
      return 'Cut the link between regions';
    case 'heal-link':
      return 'Heal the link between regions';
    case 'kill-provider':
      return 'Kill the payment provider';
    case 'start-provider':
      return 'Start the payment provider';
  }
}

export function useRegionControls(token: string): RegionControls {
  const [pending, setPending] = useState<ControlAction | undefined>();
  const [notice, setNotice] = useState('');
  const [error, setError] = useState<unknown>();
  const [unavailable, setUnavailable] = useState(false);
  const run = async (action: ControlAction) => {
    setPending(action);
    setError(undefined);
    setNotice('');
    try {
      await sendControl(action, token);
      setNotice(`${describeAction(action)}: requested. The status below follows the health checks.`);
    } catch (failure) {
      if (failure instanceof ProblemError && failure.isNotAvailable) setUnavailable(true);
      else setError(failure);
    } finally {
      setPending(undefined);
    }
  };
  return { pending, notice, error, unavailable, run };
}
