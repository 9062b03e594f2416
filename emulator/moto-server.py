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
   replaces the table's stream shard, so stream readers stop seeing new records. Here every DynamoDB
   operation runs alone (each is atomic, as on DynamoDB), and a failed transaction keeps the live stream
   shard, without the records of the writes it undid.

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

import threading  # noqa: E402

from moto.dynamodb.models import DynamoDBBackend  # noqa: E402
from moto.dynamodb.models.table import StreamShard  # noqa: E402
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


def _transact_keeping_streams(self, transact_items):
    with _dynamodb:
        shards = {
            name: (table.stream_shard, len(table.stream_shard.items))
            for name, table in self.tables.items()
            if table.stream_shard is not None
        }
        try:
            return _transact_write_items(self, transact_items)
        except Exception:
            for name, (shard, committed) in shards.items():
                table = self.tables.get(name)
                if table is not None:
                    del shard.items[committed:]
                    shard.table = table
                    table.stream_shard = shard
            raise


DynamoDBBackend.transact_write_items = _transact_keeping_streams


def _copy_shard(self, memo):
    # The rollback copy of a table: stream records never change once written, so the copy shares them.
    clone = self.__class__.__new__(self.__class__)
    memo[id(self)] = clone
    for name, value in self.__dict__.items():
        clone.__dict__[name] = list(value) if name == "items" else copy.deepcopy(value, memo)
    return clone


StreamShard.__deepcopy__ = _copy_shard

from moto.server import main  # noqa: E402  (imported after the fix on purpose)

sys.exit(main())
