import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from './aws-clients';
import type { LambdaHost } from './lambda-host';
import type { DeployedRule } from './provision-service';

/** Lambda retries a failed asynchronous invocation twice by default (EventBridge invokes Lambda asynchronously). */
const ASYNC_RETRIES = 2;

export interface RuleDelivery {
  rule: string;
  event: Record<string, unknown>;
}

/**
 * Delivers what moto's rules matched to the template's targets: moto puts each matched event on the
 * rule's queue (its pattern matching is moto's), and this hands it on. A Lambda target is invoked as
 * EventBridge does, asynchronously: a failure is retried twice (at once here; Lambda waits a minute, then
 * two) and then goes to the function's dead-letter queue. A target on a peer region's bus (forwarding) is
 * recorded: the suite runs one region.
 */
export class RuleTargets {
  private running = false;
  private loops: Promise<void>[] = [];
  /** Every event each rule matched, in arrival order. */
  readonly deliveries: RuleDelivery[] = [];
  /** Events for another region's bus, which a real deployment would forward. */
  readonly forwarded: RuleDelivery[] = [];

  constructor(
    private readonly clients: AwsClients,
    private readonly rules: readonly DeployedRule[],
    private readonly host: LambdaHost,
    private readonly queueUrls: Map<string, string>,
    private readonly context: { region: string; account: string },
  ) {}

  start(): void {
    this.running = true;
    this.loops = this.rules.map((rule) => this.run(rule));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /**
   * One firing of a schedule rule: its targets get their configured input (or the scheduled event).
   * `input` merges into a JSON object input, as an operator invoking the target by hand would change it.
   */
  async fireSchedule(ruleName: string, input?: Record<string, unknown>): Promise<void> {
    const rule = this.rules.find((candidate) => candidate.name === ruleName);
    if (!rule?.scheduleExpression) throw new Error(`${ruleName} is not a schedule rule`);
    const event = {
      version: '0',
      id: crypto.randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: this.context.account,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.context.region,
      resources: [`arn:aws:events:${this.context.region}:${this.context.account}:rule/${rule.name}`],
      detail: {},
    };
    const targets = rule.targets.map((target) =>
      input && target.input
        ? { ...target, input: JSON.stringify({ ...JSON.parse(target.input), ...input }) }
        : target,
    );
    await this.deliver({ ...rule, targets }, event);
  }

  schedules(): DeployedRule[] {
    return this.rules.filter((rule) => rule.scheduleExpression !== undefined);
  }

  private async run(rule: DeployedRule): Promise<void> {
    while (this.running) {
      try {
        const received = await this.clients.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: rule.deliveryQueueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
          }),
        );
        await Promise.all(
          (received.Messages ?? []).map(async (message) => {
            await this.deliver(rule, asDelivered(message.Body, this.context.account));
            await this.clients.sqs.send(
              new DeleteMessageCommand({
                QueueUrl: rule.deliveryQueueUrl,
                ReceiptHandle: message.ReceiptHandle,
              }),
            );
          }),
        );
      } catch (error) {
        if (this.running) console.error(`rule targets: delivery for ${rule.name} failed`, error);
      }
    }
  }

  private async deliver(rule: DeployedRule, event: Record<string, unknown>): Promise<void> {
    this.deliveries.push({ rule: rule.name, event });
    for (const target of rule.targets) {
      const payload = target.input === undefined ? event : (JSON.parse(target.input) as unknown);
      if (target.arn.includes(':event-bus/')) {
        this.forwarded.push({ rule: rule.name, event });
      } else if (target.arn.startsWith('arn:aws:lambda:')) {
        await this.invokeAsynchronously(target.arn, payload);
      } else {
        throw new Error(`rule ${rule.name}: target ${target.arn} is not emulated`);
      }
    }
  }

  private async invokeAsynchronously(functionArn: string, payload: unknown): Promise<void> {
    let last = '';
    for (let attempt = 0; attempt <= ASYNC_RETRIES; attempt++) {
      const result = await this.host.invoke(functionArn, payload);
      if (result.ok) return;
      last = `${result.error.errorType}: ${result.error.errorMessage}`;
    }
    const deadLetterArn = this.host.find(functionArn).deadLetterQueueArn;
    const queueUrl = deadLetterArn ? this.queueUrls.get(deadLetterArn) : undefined;
    if (!queueUrl)
      throw new Error(`${functionArn} failed every attempt (${last}) and has no dead-letter queue`);
    await this.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(payload),
        MessageAttributes: { ErrorMessage: { DataType: 'String', StringValue: last.slice(0, 256) } },
      }),
    );
  }
}

/**
 * An event as EventBridge hands it to a target. moto leaves out `account`, which EventBridge always sets
 * (the account of the bus); it is added here, nothing else is changed.
 */
export function asDelivered(body: string | undefined, account: string): Record<string, unknown> {
  const event = JSON.parse(body ?? '{}') as Record<string, unknown>;
  return { account, ...event };
}
