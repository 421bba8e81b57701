/** The command lifecycle of IoTDA v5 (reference §5). */
export const COMMAND_STATUSES = ['PENDING', 'SENT', 'DELIVERED', 'SUCCESSFUL', 'FAILED', 'TIMEOUT', 'EXPIRED'] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];

/** Statuses listed by ListAsyncCommands: the command is still in the device's queue. */
export const QUEUE_STATUSES: readonly CommandStatus[] = ['PENDING', 'SENT', 'DELIVERED'];
/** Statuses listed by ListAsyncHistoryCommands: nothing more will happen to the command. */
export const FINAL_STATUSES: readonly CommandStatus[] = ['SUCCESSFUL', 'FAILED', 'TIMEOUT', 'EXPIRED'];

export type SendStrategy = 'immediately' | 'delay';

/** A device is addressed by its project and id everywhere; the pair is the tenant boundary. */
export interface DeviceRef {
  projectId: string;
  deviceId: string;
}

export interface CommandRef extends DeviceRef {
  commandId: string;
}

/** Times are epoch milliseconds inside the core; transports format them for the wire. */
export interface Command extends CommandRef {
  serviceId?: string;
  commandName?: string;
  paras: Record<string, unknown>;
  /** As given by the client (0 when absent); `expiresAt` is what the core enforces. */
  expireTime: number;
  sendStrategy: SendStrategy;
  status: CommandStatus;
  createdAt: number;
  expiresAt: number;
  sentAt?: number;
  deliveredAt?: number;
  respondedAt?: number;
  /** The device's answer, set with SUCCESSFUL or FAILED. */
  result?: Record<string, unknown>;
}

export interface NewCommand extends DeviceRef {
  serviceId?: string;
  commandName?: string;
  paras: Record<string, unknown>;
  expireTime?: number;
  sendStrategy: SendStrategy;
}

export type DeviceStatus = 'ONLINE' | 'OFFLINE' | 'ABNORMAL' | 'INACTIVE' | 'FROZEN';

export interface Device extends DeviceRef {
  /** IMEI or serial: the LwM2M endpoint name, globally unique as IoTDA requires for NB-IoT. */
  nodeId: string;
  productId: string;
  deviceName?: string;
  description?: string;
  gatewayId: string;
  /** Hex PSK for CoAP/DTLS; never listed. */
  secret?: string;
  createdAt: number;
  /** Attributes kept for the API's sake (IoTDA returns them) that the core does not act on. */
  appId?: string;
  extensionInfo?: Record<string, unknown>;
  secureAccess?: boolean;
  authTimeout?: number;
}

/** The optional device attributes the core stores and returns without acting on them. */
export const DEVICE_PROFILE_FIELDS = ['appId', 'extensionInfo', 'secureAccess', 'authTimeout'] as const;

export interface NewDevice {
  projectId: string;
  deviceId?: string;
  nodeId: string;
  productId: string;
  deviceName?: string;
  description?: string;
  gatewayId?: string;
  secret?: string;
  appId?: string;
  extensionInfo?: Record<string, unknown>;
  secureAccess?: boolean;
  authTimeout?: number;
}
