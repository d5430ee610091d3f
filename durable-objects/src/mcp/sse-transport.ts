import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";

/**
 * The SDK's SSE client transport, with every server message delivered once inside workerd.
 *
 * The `eventsource` package the SDK uses calls its `onmessage` handler itself and then dispatches the
 * same event; workerd's EventTarget also invokes `on<type>` handler properties on dispatch, so each
 * message arrived twice (duplicate progress notifications, answered-twice server requests). Node does not
 * do this. The handler is wrapped to skip an event object it has already seen.
 */
export class SingleDeliverySseTransport extends SSEClientTransport {
  override async start(): Promise<void> {
    await super.start();
    const source = (this as unknown as { _eventSource?: { onmessage: ((event: Event) => void) | null } })
      ._eventSource;
    const handler = source?.onmessage;
    if (!source || !handler) return;
    const seen = new WeakSet<Event>();
    source.onmessage = function (this: unknown, event: Event) {
      if (seen.has(event)) return;
      seen.add(event);
      handler.call(this, event);
    };
  }
}
