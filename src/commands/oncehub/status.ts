import { Messages } from '@salesforce/core';
import { SfCommand } from '@salesforce/sf-plugins-core';

import { columnsOf } from '../../lib/cli/table.js';
import { type ConnectionRecord, ENVIRONMENTS, readConnections } from '../../lib/connection/state.js';
import { handleInterrupts } from '../../lib/cli/interrupt.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.status');

export type StatusResult = {
  production: ConnectionRecord | null;
  sandbox: ConnectionRecord | null;
};

export default class Status extends SfCommand<StatusResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public async run(): Promise<StatusResult> {
    handleInterrupts();
    await this.parse(Status);
    const recorded = await readConnections();
    const result: StatusResult = { production: recorded.production ?? null, sandbox: recorded.sandbox ?? null };

    if (!this.jsonEnabled()) this.print(result);
    return result;
  }

  private print(result: StatusResult): void {
    this.table({
      data: ENVIRONMENTS.map((environment) => row(environment, result[environment])),
      columns: columnsOf(messages, ['environment', 'alias', 'username', 'orgId', 'mode', 'connectedAt'] as const),
    });
    if (!result.production && !result.sandbox) this.log(messages.getMessage('info.noneRecorded'));
  }
}

function row(environment: string, record: ConnectionRecord | null): Record<string, string> {
  if (!record) return { environment, alias: messages.getMessage('info.notConnected'), username: '', orgId: '', mode: '', connectedAt: '' };
  const { alias, username, orgId, mode, connectedAt } = record;
  return { environment, alias, username, orgId, mode, connectedAt };
}
