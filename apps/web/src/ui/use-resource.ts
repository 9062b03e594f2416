import { useCallback, useEffect, useRef, useState } from 'react';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

export interface ResourceOptions<T> {
  /**
   * Polls: reloads this long after each answer (the console and the order timeline are live this way);
   * a function chooses the pause from the answer (undefined after a failed load).
   */
  intervalMs?: number | ((data: T | undefined) => number);
  /** Stops polling once this holds (an order that reached a final status). */
  until?: (data: T) => boolean;
}

/**
 * Loads data for a component, keeping the last good data on screen while it refreshes, and the last
 * error beside it. `key` changes (a different order id) start over.
 */
export function useResource<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
  options: ResourceOptions<T> = {},
): Resource<T> {
  const [state, setState] = useState<{ key: string; data: T | undefined; error: unknown; loading: boolean }>({
    key,
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const optionsRef = useRef(options);
  optionsRef.current = options;
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      let data: T | undefined;
      try {
        data = await loadRef.current(controller.signal);
        if (controller.signal.aborted) return;
        setState({ key, data, error: undefined, loading: false });
      } catch (error) {
        if (controller.signal.aborted) return;
        setState((previous) => ({
          key,
          data: previous.key === key ? previous.data : undefined,
          error,
          loading: false,
        }));
      }
      const { intervalMs, until } = optionsRef.current;
      if (intervalMs !== undefined && !(data !== undefined && until?.(data))) {
        timer = setTimeout(run, typeof intervalMs === 'function' ? intervalMs(data) : intervalMs);
      }
    };
    setState((previous) =>
      previous.key === key
        ? { ...previous, loading: true }
        : { key, data: undefined, error: undefined, loading: true },
    );
    void run();
    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [key, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  const current = state.key === key;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : undefined,
    loading: current ? state.loading : true,
    reload,
  };
}
