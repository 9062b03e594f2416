"""moto_server for the AWS emulator suite, with one fix applied before it starts.

moto 5.2.1's Step Functions backend deep-copies the state machine on every StartExecution, and the
copy drags along every earlier execution, whose worker thread holds a lock: the second StartExecution
of a state machine fails with `cannot pickle '_thread.RLock' object`. A state machine's copy needs its
definition, not its executions nor the backend that owns it, so copies here leave both out. The fix
changes nothing when moto's own copy already works.

Usage: python3 moto-server.py -p <port>   (arguments as for moto_server; MOTO_PORT as moto reads it)
"""

import copy
import sys

from moto.stepfunctions.models import StateMachine


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
