import type { Attributes } from './attributes.ts';

// A resource with the identifying attributes lifted out, so the hot paths of
// analysis never look them up in the attribute map.
export interface Resource {
  attributes: Attributes;
  /** `service.name`; `unknown_service` when absent, as the SDKs report it. */
  serviceName: string;
  serviceNamespace?: string;
  serviceInstanceId?: string;
  hostName?: string;
}

export interface InstrumentationScope {
  name: string;
  version?: string;
}

export const UNKNOWN_SERVICE = 'unknown_service';

export function resourceFromAttributes(attributes: Attributes): Resource {
  const str = (k: string) => {
    const v = attributes[k];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  return {
    attributes,
    serviceName: str('service.name') ?? UNKNOWN_SERVICE,
    serviceNamespace: str('service.namespace'),
    serviceInstanceId: str('service.instance.id'),
    hostName: str('host.name'),
  };
}
