import type {
  CreateNetworkInsightsPathRequest,
  CreateNetworkInsightsPathResult,
  DeleteNetworkInsightsAnalysisRequest,
  DeleteNetworkInsightsAnalysisResult,
  DeleteNetworkInsightsPathRequest,
  DeleteNetworkInsightsPathResult,
  DescribeNetworkInsightsAnalysesRequest,
  DescribeNetworkInsightsAnalysesResult,
  DescribeNetworkInsightsPathsRequest,
  DescribeNetworkInsightsPathsResult,
  NetworkInsightsAnalysis,
  NetworkInsightsPath,
  StartNetworkInsightsAnalysisRequest,
  StartNetworkInsightsAnalysisResult,
} from '@aws-sdk/client-ec2';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import { applyTagSpecifications, byIds, ec2Arn, ec2Id, invalidParameterValue, need, nowIso, nowMs, paginate, tagList, tagsOf, timings } from './common.js';
import { applyFilters } from './filters.js';
import { analyze, endpointOf, PathError, resourceArn } from './analyzer.js';
import { ec2State, type Ec2Context, type Ec2State, type InsightsAnalysisRec, type InsightsPathRec } from './state.js';

function toPath(state: Ec2State, ctx: Ec2Context, p: InsightsPathRec): NetworkInsightsPath {
  return {
    NetworkInsightsPathId: p.NetworkInsightsPathId,
    NetworkInsightsPathArn: ec2Arn(ctx, 'network-insights-path', p.NetworkInsightsPathId),
    CreatedDate: new Date(p.CreatedDate),
    Source: p.Source,
    Destination: p.Destination,
    SourceArn: resourceArn(ctx, p.Source),
    DestinationArn: p.Destination ? resourceArn(ctx, p.Destination) : undefined,
    SourceIp: p.SourceIp,
    DestinationIp: p.DestinationIp,
    Protocol: p.Protocol as NetworkInsightsPath['Protocol'],
    DestinationPort: p.DestinationPort,
    Tags: tagList(state, p.NetworkInsightsPathId, true),
    FilterAtSource: p.FilterAtSource as NetworkInsightsPath['FilterAtSource'],
    FilterAtDestination: p.FilterAtDestination as NetworkInsightsPath['FilterAtDestination'],
  };
}

/** An analysis runs for a moment (AWS takes seconds to minutes), then shows what it found. */
const analysisStatus = (ctx: Ec2Context, a: InsightsAnalysisRec) => (nowMs(ctx) - a.startedAt < timings(ctx).analysis * 1000 ? 'running' : 'succeeded');

function toAnalysis(state: Ec2State, ctx: Ec2Context, a: InsightsAnalysisRec, starting = false): NetworkInsightsAnalysis {
  // StartNetworkInsightsAnalysis always answers `running`, however quick the analysis.
  const status = starting ? 'running' : analysisStatus(ctx, a);
  const base: NetworkInsightsAnalysis = {
    NetworkInsightsAnalysisId: a.NetworkInsightsAnalysisId,
    NetworkInsightsAnalysisArn: ec2Arn(ctx, 'network-insights-analysis', a.NetworkInsightsAnalysisId),
    NetworkInsightsPathId: a.NetworkInsightsPathId,
    FilterInArns: [],
    FilterOutArns: [],
    StartDate: new Date(a.StartDate),
    Status: status,
    Tags: tagList(state, a.NetworkInsightsAnalysisId, true),
  };
  if (status === 'running') return base;
  return { ...base, ...(a.result as Partial<NetworkInsightsAnalysis>), AlternatePathHints: [] };
}

export const CreateNetworkInsightsPath = operation<CreateNetworkInsightsPathRequest, CreateNetworkInsightsPathResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const protocol = String(input.Protocol ?? '').toLowerCase();
    if (protocol !== 'tcp' && protocol !== 'udp') throw invalidParameterValue(`Value (${input.Protocol}) for parameter protocol is invalid. Valid values: tcp, udp`);
    if (!input.Destination && !input.DestinationIp) throw new AwsError('MissingParameter', 'The request must contain the parameter destination or destinationIp', 400);
    if (input.DestinationPort !== undefined && (input.DestinationPort < 0 || input.DestinationPort > 65535)) {
      throw invalidParameterValue(`Value (${input.DestinationPort}) for parameter destinationPort is invalid. Expected a value between 0 and 65535.`);
    }
    try {
      endpointOf(state, input.Source!, input.SourceIp, 'source');
      if (input.Destination) endpointOf(state, input.Destination, input.DestinationIp, 'destination');
    } catch (e) {
      if (e instanceof PathError) throw invalidParameterValue(e.message);
      throw e;
    }
    const rec: InsightsPathRec = {
      NetworkInsightsPathId: ec2Id('nip'),
      CreatedDate: nowIso(ctx),
      Source: input.Source!,
      Destination: input.Destination,
      SourceIp: input.SourceIp,
      DestinationIp: input.DestinationIp,
      Protocol: protocol,
      DestinationPort: input.DestinationPort,
      FilterAtSource: input.FilterAtSource,
      FilterAtDestination: input.FilterAtDestination,
    };
    state.insightsPaths[rec.NetworkInsightsPathId] = rec;
    applyTagSpecifications(state, rec.NetworkInsightsPathId, 'network-insights-path', input.TagSpecifications);
    return { NetworkInsightsPath: toPath(state, ctx, rec) };
  },
});

export const DescribeNetworkInsightsPaths = operation<DescribeNetworkInsightsPathsRequest, DescribeNetworkInsightsPathsResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const found = applyFilters(
      byIds(state.insightsPaths, input.NetworkInsightsPathIds, 'nip'),
      input.Filters,
      {
        destination: (p) => p.Destination,
        'destination-ip': (p) => p.DestinationIp,
        'destination-port': (p) => p.DestinationPort,
        protocol: (p) => p.Protocol,
        source: (p) => p.Source,
        'source-ip': (p) => p.SourceIp,
      },
      (p) => tagsOf(state, p.NetworkInsightsPathId),
    );
    const { page, NextToken } = paginate(found, input, { ids: input.NetworkInsightsPathIds, idsParam: 'networkInsightsPathIds', min: 1 });
    return { NetworkInsightsPaths: page.map((p) => toPath(state, ctx, p)), NextToken };
  },
});

export const DeleteNetworkInsightsPath = operation<DeleteNetworkInsightsPathRequest, DeleteNetworkInsightsPathResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const p = need(state.insightsPaths, input.NetworkInsightsPathId, 'nip');
    for (const a of Object.values(state.insightsAnalyses)) {
      if (a.NetworkInsightsPathId === p.NetworkInsightsPathId) {
        delete state.insightsAnalyses[a.NetworkInsightsAnalysisId];
        delete state.tags[a.NetworkInsightsAnalysisId];
      }
    }
    delete state.insightsPaths[p.NetworkInsightsPathId];
    delete state.tags[p.NetworkInsightsPathId];
    return { NetworkInsightsPathId: p.NetworkInsightsPathId };
  },
});

export const StartNetworkInsightsAnalysis = operation<StartNetworkInsightsAnalysisRequest, StartNetworkInsightsAnalysisResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const path = need(state.insightsPaths, input.NetworkInsightsPathId, 'nip');
    if (input.FilterInArns?.length || input.FilterOutArns?.length) {
      throw invalidParameterValue('awslings: FilterInArns and FilterOutArns are not emulated; the analysis finds the shortest path.');
    }
    const rec: InsightsAnalysisRec = {
      NetworkInsightsAnalysisId: ec2Id('nia'),
      NetworkInsightsPathId: path.NetworkInsightsPathId,
      StartDate: nowIso(ctx),
      startedAt: nowMs(ctx),
      // The configuration is read now, as AWS reads it when the analysis starts.
      result: JSON.parse(JSON.stringify(analyze(state, ctx, path))) as Record<string, unknown>,
    };
    state.insightsAnalyses[rec.NetworkInsightsAnalysisId] = rec;
    applyTagSpecifications(state, rec.NetworkInsightsAnalysisId, 'network-insights-analysis', input.TagSpecifications);
    return { NetworkInsightsAnalysis: toAnalysis(state, ctx, rec, true) };
  },
});

export const DescribeNetworkInsightsAnalyses = operation<DescribeNetworkInsightsAnalysesRequest, DescribeNetworkInsightsAnalysesResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    let items = byIds(state.insightsAnalyses, input.NetworkInsightsAnalysisIds, 'nia');
    if (input.NetworkInsightsPathId) items = items.filter((a) => a.NetworkInsightsPathId === input.NetworkInsightsPathId);
    if (input.AnalysisStartTime) items = items.filter((a) => a.startedAt >= input.AnalysisStartTime!.getTime());
    if (input.AnalysisEndTime) items = items.filter((a) => a.startedAt <= input.AnalysisEndTime!.getTime());
    const found = applyFilters(
      items,
      input.Filters,
      {
        'path-found': (a) => (analysisStatus(ctx, a) === 'succeeded' ? (a.result.NetworkPathFound as boolean) : undefined),
        status: (a) => analysisStatus(ctx, a),
      },
      (a) => tagsOf(state, a.NetworkInsightsAnalysisId),
    );
    const { page, NextToken } = paginate(found, input, { ids: input.NetworkInsightsAnalysisIds, idsParam: 'networkInsightsAnalysisIds', min: 1 });
    return { NetworkInsightsAnalyses: page.map((a) => toAnalysis(state, ctx, a)), NextToken };
  },
});

export const DeleteNetworkInsightsAnalysis = operation<DeleteNetworkInsightsAnalysisRequest, DeleteNetworkInsightsAnalysisResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const a = need(state.insightsAnalyses, input.NetworkInsightsAnalysisId, 'nia');
    delete state.insightsAnalyses[a.NetworkInsightsAnalysisId];
    delete state.tags[a.NetworkInsightsAnalysisId];
    return { NetworkInsightsAnalysisId: a.NetworkInsightsAnalysisId };
  },
});
