// One Lambda "container" of the emulator suite: a worker thread with the function's own environment that
// loads the function's bundle (the synthesized asset, as Lambda would) and runs invocations sent by the
// host. Plain JavaScript because worker threads do not go through the test runner's TypeScript transform.

import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

const { bundle, handlerName, functionName, functionArn, memorySize, clockAheadMs } = workerData;
const RealDate = Date;
if (clockAheadMs) setClockAhead();
const loaded = await import(pathToFileURL(bundle).href);
const handler = loaded[handlerName];
if (typeof handler !== 'function') throw new Error(`${bundle} exports no function ${handlerName}`);

parentPort.on('message', async ({ id, event, requestId, deadline, invokedFunctionArn }) => {
  const context = {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: invokedFunctionArn ?? functionArn,
    memoryLimitInMB: String(memorySize),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'emulator',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done() {},
    fail() {},
    succeed() {},
  };
  try {
    const result = await handler(event, context);
    parentPort.postMessage({ id, result: result === undefined ? null : result });
  } catch (error) {
    // The shape Lambda's Node.js runtime reports a thrown error in (errorType is the error's name).
    const isError = error instanceof Error;
    parentPort.postMessage({
      id,
      error: {
        errorType: isError ? error.name : 'Error',
        errorMessage: isError ? error.message : String(error),
        trace: isError && error.stack ? error.stack.split('\n') : [],
      },
    });
  }
});
parentPort.postMessage({ ready: true });

/**
 * This container's clock, `clockAheadMs` ahead (LambdaHost.setClockAhead): `Date.now()`, `new Date()` and
 * `Date()` see the later time; dates built from a value are unchanged. Installed before the bundle loads.
 */
function ShiftedDate(...args) {
  if (!new.target) return new RealDate(shiftedNow()).toString();
  return args.length === 0 ? new RealDate(shiftedNow()) : new RealDate(...args);
}

function shiftedNow() {
  return RealDate.now() + clockAheadMs;
}

function setClockAhead() {
  ShiftedDate.prototype = RealDate.prototype;
  ShiftedDate.now = shiftedNow;
  ShiftedDate.parse = RealDate.parse;
  ShiftedDate.UTC = RealDate.UTC;
  globalThis.Date = ShiftedDate;
}
