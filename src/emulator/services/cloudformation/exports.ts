import type { ListExportsInput, ListExportsOutput, ListImportsInput, ListImportsOutput } from '@aws-sdk/client-cloudformation';
import { operation } from '../../core/service.js';
import { cfnStateOf } from './state.js';
import { pageOf } from './stacks.js';
import { validation } from './deployments.js';

export const ListExports = operation<ListExportsInput, ListExportsOutput>({
  handler(input, ctx) {
    const exports = Object.values(cfnStateOf(ctx).stacks)
      .filter((s) => s.StackStatus !== 'DELETE_COMPLETE')
      .flatMap((s) => s.outputs.filter((o) => o.ExportName).map((o) => ({ ExportingStackId: s.StackId, Name: o.ExportName, Value: o.OutputValue })));
    const { page, NextToken } = pageOf(exports, input.NextToken, 100);
    return { Exports: page, NextToken };
  },
});

export const ListImports = operation<ListImportsInput, ListImportsOutput>({
  handler(input, ctx) {
    const importers = Object.values(cfnStateOf(ctx).stacks)
      .filter((s) => s.StackStatus !== 'DELETE_COMPLETE' && s.imports.includes(input.ExportName!))
      .map((s) => s.StackName);
    if (!importers.length) throw validation(`Export '${input.ExportName}' is not imported by any stack.`);
    const { page, NextToken } = pageOf(importers, input.NextToken, 100);
    return { Imports: page, NextToken };
  },
});
