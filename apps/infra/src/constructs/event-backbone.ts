import { EVENT_SOURCES } from '@meridian/contracts';
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { EVENT_BUS_NAME, eventBusArn } from '../naming';
import { DeadLetterQueue } from './dead-letter-queue';

export interface EventBackboneProps {
  readonly account: string;
  readonly regionName: string;
  /** Every other configured region: each receives this region's events. */
  readonly peerRegions: readonly string[];
  readonly alarmTopic: sns.ITopic;
}

/** Every event Meridian publishes has a `meridian.*` source. */
const MERIDIAN_SOURCES = Object.values(EVENT_SOURCES);

/**
 * The regional bus, its archive, and the cross-region path. The stream publisher puts each event
 * once on the bus of the region that wrote it; one rule per peer forwards exactly the events that
 * originated here (`region` is the origin region, and EventBridge never forwards an event a second
 * time), so every bus sees every event once: the same contract as local mode. Consumers are
 * idempotent by event id because delivery is at least once.
 */
export class EventBackbone extends Construct {
  readonly bus: events.EventBus;
  readonly deadLetterQueues: DeadLetterQueue[] = [];
  /** The queues whose messages are EventBridge events, which the operations console can redrive. */
  readonly eventDeadLetterQueues: DeadLetterQueue[] = [];
  private readonly props: EventBackboneProps;

  constructor(scope: Construct, id: string, props: EventBackboneProps) {
    super(scope, id);
    this.props = props;
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: EVENT_BUS_NAME });
    const archive = this.bus.archive('Archive', {
      archiveName: `meridian-${props.regionName}`,
      description: 'Every Meridian event seen on this bus, for replay after a consumer fix',
      eventPattern: { source: MERIDIAN_SOURCES },
      retention: Duration.days(30),
    });
    // Without a key aws-cdk-lib writes `KmsKeyIdentifier: ""`, which is no key id. Left out, the archive
    // is encrypted with an AWS owned key, like the bus itself.
    (archive.node.defaultChild as events.CfnArchive).addPropertyDeletionOverride('KmsKeyIdentifier');

    for (const peer of props.peerRegions) {
      const deadLetters = this.deadLetterQueue(`ForwardTo-${peer}`, `events not delivered to ${peer}`);
      new events.Rule(this, `ForwardTo-${peer}`, {
        eventBus: this.bus,
        description: `Forward events that originated in ${props.regionName} to ${peer}`,
        eventPattern: { source: MERIDIAN_SOURCES, region: [props.regionName] },
        targets: [
          new targets.EventBus(
            events.EventBus.fromEventBusArn(this, `PeerBus-${peer}`, eventBusArn(props.account, peer)),
            { deadLetterQueue: deadLetters.queue },
          ),
        ],
      });
    }
  }

  /**
   * Routes the order events of the given detail-types that originated in this region to a consumer, with
   * retries and a dead-letter queue. Every bus also receives its peers' events (forwarded); only the
   * order's own region acts on them, so the consumer runs once per event across regions (as in local mode).
   */
  addOrderEventConsumer(id: string, consumer: lambda.IFunction, detailTypes: readonly string[]): events.Rule {
    const deadLetters = this.deadLetterQueue(`${id}Delivery`, `order events not delivered to ${id}`);
    return new events.Rule(this, id, {
      eventBus: this.bus,
      description: `Order events of ${this.props.regionName} to ${id}`,
      eventPattern: {
        source: [EVENT_SOURCES.orders],
        detailType: [...detailTypes],
        region: [this.props.regionName],
      },
      targets: [
        new targets.LambdaFunction(consumer, {
          deadLetterQueue: deadLetters.queue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });
  }

  /** A monitored dead-letter queue; `holdsEvents` when its messages are whole EventBridge events. */
  deadLetterQueue(id: string, purpose: string, holdsEvents = true): DeadLetterQueue {
    const queue = new DeadLetterQueue(this, `${id}DeadLetters`, {
      purpose,
      alarmTopic: this.props.alarmTopic,
    });
    this.deadLetterQueues.push(queue);
    if (holdsEvents) this.eventDeadLetterQueues.push(queue);
    return queue;
  }
}
