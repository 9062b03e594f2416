import { Stage, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { MeridianConfig } from '../config/config-schema';
import { EDGE_REGION } from '../naming';
import { GlobalStack } from '../stacks/global-stack';
import { WebFailoverStack } from '../stacks/web-failover-stack';

/** The second web bucket lives in the first configured region that is not the edge region. */
export function webFailoverRegion(config: MeridianConfig): string {
  return config.regions.find((region) => region.name !== EDGE_REGION)?.name ?? 'us-west-2';
}

/** What sits in front of all regions; deployed after every region stage. */
export class GlobalStage extends Stage {
  readonly webFailover: WebFailoverStack;
  readonly global: GlobalStack;

  constructor(scope: Construct, id: string, props: StageProps & { config: MeridianConfig }) {
    super(scope, id, props);
    const { config } = props;
    const failoverRegion = webFailoverRegion(config);
    this.webFailover = new WebFailoverStack(this, 'WebFailover', {
      description: 'Meridian web app failover bucket',
      account: config.account,
      region: failoverRegion,
    });
    this.global = new GlobalStack(this, 'Global', {
      description: 'Meridian global: CloudFront, Route 53 health checks and records, CloudTrail',
      config,
      failoverRegion,
    });
    this.global.addStackDependency(this.webFailover, 'CloudFront reads the failover bucket');
  }
}
