import { Stage, type StageProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { type MeridianConfig, primaryRegion, type RegionConfig } from '../config/config-schema';
import { DataStack } from '../stacks/data-stack';
import { NetworkStack } from '../stacks/network-stack';
import { ServiceStack } from '../stacks/service-stack';

export interface RegionStageProps extends StageProps {
  readonly config: MeridianConfig;
  readonly region: RegionConfig;
}

/** One Meridian region: network, then data, then the stateless service. */
export class RegionStage extends Stage {
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly service: ServiceStack;

  constructor(scope: Construct, id: string, props: RegionStageProps) {
    super(scope, id, { ...props, env: { account: props.config.account, region: props.region.name } });
    const { config, region } = props;
    this.network = new NetworkStack(this, 'Network', {
      description: `Meridian network (${region.name})`,
      region,
      natGateways: config.natGateways,
      logRetention: config.logRetentionDays as logs.RetentionDays,
    });
    this.data = new DataStack(this, 'Data', {
      description: `Meridian data (${region.name})`,
      config,
      regionName: region.name,
      primaryRegionName: primaryRegion(config).name,
      // Applied by `cdk deploy`; CDK Pipelines ignores it, so the pipeline's ProtectData step sets it.
      terminationProtection: true,
    });
    this.service = new ServiceStack(this, 'Service', {
      description: `Meridian service (${region.name})`,
      config,
      regionName: region.name,
      network: this.network,
      data: this.data,
    });
  }
}
