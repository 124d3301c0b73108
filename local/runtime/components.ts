import type { ServerResponse } from 'node:http';
import type { LocalHttpApi } from '../apigateway/local-http-api';
import { AwsServiceError } from '../aws-endpoint/aws-errors';
import type { LocalEventBuses } from '../event-buses/local-event-buses';
import type { LocalScheduler } from '../scheduler/local-scheduler';
import type { LocalTopics } from '../sns/local-topics';
import type { LocalStateMachines } from '../stepfunctions/local-state-machines';

/** The engines whose parts can be stopped. */
export interface ComponentHost {
  readonly apis: readonly LocalHttpApi[];
  readonly stateMachines: LocalStateMachines;
  readonly buses: LocalEventBuses;
  readonly topics: LocalTopics;
  readonly scheduler: LocalScheduler;
}

export type ComponentKind = 'api' | 'state-machine' | 'bus' | 'topic' | 'scheduler';
export interface ComponentState {
  readonly name: string;
  readonly kind: ComponentKind;
  readonly state: 'running' | 'stopped';
}

export class UnknownComponentError extends Error {
  override readonly name = 'UnknownComponentError';
}

const down = (what: string) =>
  new AwsServiceError('ServiceUnavailable', `${what} is stopped in the local runtime`, 503);

/**
 * Stops and starts parts of the running stack, to test what keeps working without them (break
 * glass must work with the approval API, the approval workflow and the audit bus down). A
 * stopped HTTP API stops listening; a stopped state machine refuses to start executions; a
 * stopped bus refuses PutEvents and a stopped topic Publish (503, as an outage answers, so
 * SDK clients retry and then fail); a stopped scheduler fires nothing until started again.
 * Names: `api:<name>`, `state-machine:<name>`, `bus:<name>`, `topic:<name>`, `scheduler`.
 */
export class LocalComponents {
  private readonly stopped = new Set<string>();

  constructor(private readonly host: ComponentHost) {
    const { buses, topics, stateMachines } = host;
    const putEvents = buses.putEvents.bind(buses);
    buses.putEvents = (entries) => {
      for (const entry of entries) {
        const bus = entry.EventBusName ?? 'default';
        const name = bus.includes('/') ? bus.slice(bus.lastIndexOf('/') + 1) : bus;
        if (this.stopped.has(`bus:${name}`)) throw down(`event bus ${name}`);
      }
      return putEvents(entries);
    };
    const publish = topics.publish.bind(topics);
    topics.publish = (topicArn, input) => {
      const name = topicArn.slice(topicArn.lastIndexOf(':') + 1);
      if (this.stopped.has(`topic:${name}`)) throw down(`topic ${name}`);
      return publish(topicArn, input);
    };
    const startExecution = stateMachines.startExecution.bind(stateMachines);
    stateMachines.startExecution = (arn, input, name) => {
      const machine = arn.slice(arn.lastIndexOf(':') + 1);
      if (this.stopped.has(`state-machine:${machine}`)) throw down(`state machine ${machine}`);
      return startExecution(arn, input, name);
    };
  }

  list(): ComponentState[] {
    const state = (name: string): ComponentState['state'] =>
      this.stopped.has(name) ? 'stopped' : 'running';
    const { apis, stateMachines, buses, topics } = this.host;
    const named = (kind: ComponentKind, names: readonly string[]): ComponentState[] =>
      names.map((n) => ({ name: `${kind}:${n}`, kind, state: state(`${kind}:${n}`) }));
    return [
      ...named(
        'api',
        apis.map((a) => a.config.name),
      ),
      ...named(
        'state-machine',
        stateMachines.configs().map((m) => m.name),
      ),
      ...named(
        'bus',
        buses.buses.map((b) => b.name),
      ),
      ...named(
        'topic',
        topics.configs().map((t) => t.name),
      ),
      { name: 'scheduler', kind: 'scheduler', state: this.host.scheduler.state },
    ];
  }

  async stop(name: string): Promise<ComponentState> {
    const component = this.find(name);
    if (component.kind === 'scheduler') this.host.scheduler.stop();
    else if (component.kind === 'api' && !this.stopped.has(name)) await this.api(name).close();
    this.stopped.add(name);
    return this.find(name);
  }

  async start(name: string): Promise<ComponentState> {
    const component = this.find(name);
    if (component.kind === 'scheduler') this.host.scheduler.start();
    else if (component.kind === 'api' && this.stopped.has(name)) {
      const api = this.api(name);
      await api.listen(api.port ?? 0);
    }
    this.stopped.delete(name);
    return this.find(name);
  }

  private find(name: string): ComponentState {
    const component = this.list().find((c) => c.name === name);
    if (component === undefined)
      throw new UnknownComponentError(
        `no component ${name}; the components are: ${this.list()
          .map((c) => c.name)
          .join(', ')}`,
      );
    return component;
  }

  private api(name: string): LocalHttpApi {
    const api = this.host.apis.find((a) => `api:${a.config.name}` === name);
    if (api === undefined) throw new UnknownComponentError(`no HTTP API ${name}`);
    return api;
  }
}

/**
 * The admin routes: `GET /_ward/components` lists them; `POST /_ward/components/<name>/stop`
 * and `.../start` change one and answer its new state.
 */
export async function componentsAdmin(
  components: LocalComponents,
  path: string,
  method: string,
  response: ServerResponse,
): Promise<boolean> {
  const send = (status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
    return true;
  };
  if (path === '/_ward/components') return send(200, { components: components.list() });
  const match = /^\/_ward\/components\/([^/]+)\/(stop|start)$/.exec(path);
  if (match === null) return false;
  if (method !== 'POST') return send(405, { error: `${match[2]} a component with POST` });
  try {
    const name = decodeURIComponent(match[1] ?? '');
    return send(
      200,
      match[2] === 'stop' ? await components.stop(name) : await components.start(name),
    );
  } catch (error) {
    if (error instanceof UnknownComponentError) return send(404, { error: error.message });
    throw error;
  }
}
