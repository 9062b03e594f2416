"""moto_server for the AWS emulator suite, with three changes applied before it starts.

1. A fix. moto 5.2.1's Step Functions backend deep-copies the state machine on every StartExecution,
   and the copy drags along every earlier execution, whose worker thread holds a lock: the second
   StartExecution of a state machine fails with `cannot pickle '_thread.RLock' object`. A state
   machine's copy needs its definition, not its executions nor the backend that owns it, so copies here
   leave both out. This changes nothing when moto's own copy already works.
2. Speed, same behaviour. jsonpath_ng builds a new parser (its grammar tables) on every parse; moto
   parses the same JSONPath expressions for every event delivered to a rule target (about 0.3 s per
   PutEvents entry) and every state of an execution. Parsed expressions are cached by their text.
3. Atomic DynamoDB operations. moto serves requests on threads but its DynamoDB is not thread-safe: a
   TransactWriteItems applies its items one by one and, when one fails, puts back a copy of the whole
   table taken before it started, which also undoes every write other requests committed meanwhile, and
   replaces the table's stream shard, so stream readers stop seeing new records (and copying the whole
   table costs more with every item). Here every DynamoDB operation runs alone (each is atomic, as on
   DynamoDB), and a failed transaction puts back just the items it names and drops the stream records
   of the writes it undid.
4. Time, only when asked. With EMULATOR_STEP_FUNCTIONS_TIME_SCALE set (e.g. 0.02), a state's Retry
   waits that fraction of its interval: the definition's retriers (errors, attempts, backoff, caps) run
   as deployed, in less wall time, so a compensation that fails all its 9 attempts (about 4 minutes on
   AWS) fails in seconds. Unset, moto waits the full intervals.

Usage: python3 moto-server.py -p <port>   (arguments as for moto_server; MOTO_PORT as moto reads it)
"""

import copy
import functools
import os
import sys
import time

import jsonpath_ng
import jsonpath_ng.ext

# Before moto imports them: some of its modules bind `parse` at import time.
jsonpath_ng.parse = functools.lru_cache(maxsize=4096)(jsonpath_ng.parse)
jsonpath_ng.ext.parse = functools.lru_cache(maxsize=4096)(jsonpath_ng.ext.parse)

import threading  # noqa: E402

import moto.dynamodb.models as dynamodb_models  # noqa: E402
from moto.dynamodb.models import DynamoDBBackend  # noqa: E402
from moto.dynamodb.models.dynamo_type import DynamoType  # noqa: E402
from moto.dynamodb.models.table import Table  # noqa: E402
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

_dynamodb = threading.RLock()


def _alone(method):
    @functools.wraps(method)
    def run(*args, **kwargs):
        with _dynamodb:
            return method(*args, **kwargs)

    return run


for _name in (
    "put_item",
    "update_item",
    "delete_item",
    "get_item",
    "query",
    "scan",
    "batch_get_item",
    "batch_write_item",
    "transact_get_items",
):
    setattr(DynamoDBBackend, _name, _alone(getattr(DynamoDBBackend, _name)))

_transact_write_items = DynamoDBBackend.transact_write_items


class _KeepTables:
    """moto's own rollback copies whole tables; this copy module hands tables back as they are."""

    @staticmethod
    def deepcopy(value, memo=None):
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


dynamodb_models.copy = _KeepTables


def _item_keys(backend, transact_items):
    """(table, hash key, range key) of every item a transaction names."""
    keys = []
    for entry in transact_items:
        for kind, op in entry.items():
            table = backend.tables.get(op.get("TableName"))
            if table is None:
                continue
            key = op["Item"] if kind == "Put" else op.get("Key", {})
            if table.hash_key_attr not in key:
                continue
            range_key = key.get(table.range_key_attr) if table.range_key_attr else None
            keys.append((table, DynamoType(key[table.hash_key_attr]), range_key and DynamoType(range_key)))
    return keys


def _stored(table, hash_key, range_key):
    if range_key is None:
        return table.items.get(hash_key)
    return table.items[hash_key].get(range_key) if hash_key in table.items else None


def _put_back(table, hash_key, range_key, item):
    if range_key is None:
        if item is None:
            table.items.pop(hash_key, None)
        else:
            table.items[hash_key] = item
        return
    if item is None:
        if hash_key in table.items:
            table.items[hash_key].pop(range_key, None)
            if not table.items[hash_key]:
                del table.items[hash_key]
    else:
        table.items[hash_key][range_key] = item


def _transact_atomically(self, transact_items):
    with _dynamodb:
        keys = _item_keys(self, transact_items)
        before = [(table, h, r, copy.deepcopy(_stored(table, h, r))) for table, h, r in keys]
        streams = [
            (table.stream_shard, len(table.stream_shard.items))
            for table in {id(t): t for t, _, _ in keys}.values()
            if table.stream_shard is not None
        ]
        try:
            return _transact_write_items(self, transact_items)
        except Exception:
            for table, hash_key, range_key, item in reversed(before):
                _put_back(table, hash_key, range_key, item)
            for shard, committed in streams:
                del shard.items[committed:]
            raise


DynamoDBBackend.transact_write_items = _transact_atomically

def _exit_with_parent():
    # A test run that dies without its teardown (killed, its worker crashed) must not leave moto running.
    parent = os.getppid()
    while True:
        time.sleep(1)
        if os.getppid() != parent:
            os._exit(0)


threading.Thread(target=_exit_with_parent, daemon=True).start()

_time_scale = float(os.environ.get("EMULATOR_STEP_FUNCTIONS_TIME_SCALE", "1"))
if _time_scale != 1:
    import time as _time

    import moto.stepfunctions.parser.asl.component.common.retry.retrier_decl as _retrier_decl

    class _ScaledRetryTime:
        """The retrier's `time` module: its waits are scaled, nothing else is."""

        def __getattr__(self, name):
            return getattr(_time, name)

        @staticmethod
        def sleep(seconds):
            _time.sleep(seconds * _time_scale)

    _retrier_decl.time = _ScaledRetryTime()

from moto.server import main  # noqa: E402  (imported after the fix on purpose)

sys.exit(main())
