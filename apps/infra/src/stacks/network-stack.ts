import { Fn, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { RegionConfig } from '../config/config-schema';

export interface NetworkStackProps extends StackProps {
  readonly region: RegionConfig;
  readonly natGateways: number;
  readonly logRetention: logs.RetentionDays;
}

/**
 * AWS services the functions call, reached through interface endpoints so that their traffic stays
 * off the NAT gateways (DynamoDB has a free gateway endpoint instead). Only the payment provider and
 * the Cognito JWKS download leave through NAT.
 */
export const INTERFACE_ENDPOINTS = {
  EventBridge: ec2.InterfaceVpcEndpointAwsService.EVENTBRIDGE,
  StepFunctions: ec2.InterfaceVpcEndpointAwsService.STEP_FUNCTIONS,
  SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
  XRay: ec2.InterfaceVpcEndpointAwsService.XRAY,
  // The operations API reads and redrives dead letters.
  Sqs: ec2.InterfaceVpcEndpointAwsService.SQS,
} as const;

/** One VPC per region over three AZs: public (NAT), private (functions), isolated (endpoints). */
export class NetworkStack extends Stack {
  readonly vpc: ec2.Vpc;
  readonly functionSecurityGroup: ec2.SecurityGroup;
  private readonly zones: string[];

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const configured = props.region.availabilityZones;
    // Unless configured, the first three zones CloudFormation lists for this account and region, chosen
    // at deploy time: no lookup at synth, and no guessed zone name that the account may not have.
    this.zones = configured ?? [0, 1, 2].map((index) => Fn.select(index, Fn.getAzs()));
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.40.0.0/16'),
      maxAzs: 3,
      natGateways: props.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      restrictDefaultSecurityGroup: true,
      gatewayEndpoints: { DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB } },
    });

    if (configured) {
      Validations.of(this.vpc).acknowledge({
        id: 'CloudFormation-Validate::W3010',
        reason: 'Zones written in the configuration on purpose (meridian.config.ts, availabilityZones).',
      });
    }

    const flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Rejected traffic is what an investigation needs; accepted traffic would multiply the log bill.
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });

    this.functionSecurityGroup = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc: this.vpc,
      description: 'Meridian Lambda functions: HTTPS out only',
      allowAllOutbound: false,
    });
    this.functionSecurityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS to endpoints and provider',
    );

    for (const [name, service] of Object.entries(INTERFACE_ENDPOINTS)) {
      const endpoint = this.vpc.addInterfaceEndpoint(name, {
        service,
        subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        privateDnsEnabled: true,
        // Only the functions may reach the endpoints, not every address in the VPC.
        open: false,
      });
      endpoint.connections.allowDefaultPortFrom(this.functionSecurityGroup, 'Meridian functions');
    }
  }

  /** The zones above: without this override CDK looks the region's zones up (credentials needed). */
  override get availabilityZones(): string[] {
    return this.zones;
  }
}
