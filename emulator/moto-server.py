"""moto_server for the AWS emulator suite, with two changes applied before it starts.

1. A fix. moto 5.2.1's Step Functions backend deep-copies the state machine on every StartExecution,
   and the copy drags along every earlier execution, whose worker thread holds a lock: the second
   StartExecution of a state machine fails with `cannot pickle '_thread.RLock' object`. A state
   machine's copy needs its definition, not its executions nor the backend that owns it, so copies here
   leave both out. This changes nothing when moto's own copy already works.
2. Speed, same behaviour. jsonpath_ng builds a new parser (its grammar tables) on every parse; moto
   parses the same JSONPath expressions for every event delivered to a rule target (about 0.3 s per
   PutEvents entry) and every state of an execution. Parsed expressions are cached by their text.

Usage: python3 moto-server.py -p <port>   (arguments as for moto_server; MOTO_PORT as moto reads it)
"""

import copy
import functools
import sys

import jsonpath_ng
import jsonpath_ng.ext

# Before moto imports them: some of its modules bind `parse` at import time.
jsonpath_ng.parse = functools.lru_cache(maxsize=4096)(jsonpath_ng.parse)
jsonpath_ng.ext.parse = functools.lru_cache(maxsize=4096)(jsonpath_ng.ext.parse)

from moto.stepfunctions.models import StateMachine  # noqa: E402


def _copy_without_executions(self, memo):
    clone = self.__class__.__new__(self.__class__)
    memo[id(self)] = clone
    for name, value in self.__dict__.items():
        if name == "executions":
            clone.__dict__[name] = []
        elif name == "backend":
            clone.__dict__[name] = value
        else:
            clone.__dict__[name] = copy.deepcopy(value, memo)
    return clone


StateMachine.__deepcopy__ = _copy_without_executions

from moto.server import main  # noqa: E402  (imported after the fix on purpose)

sys.exit(main())
