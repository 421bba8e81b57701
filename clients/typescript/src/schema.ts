/**
 * Types of the Snooze API, generated from openapi/ (openapi/dist/openapi.yaml) by scripts/generate.ts.
 * Do not edit: change the contract and run `npm run generate`.
 */

export interface paths {
    "/v5/iot/{project_id}/devices/{device_id}/async-commands": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the commands still in a device's queue
         * @description Commands in `PENDING`, `SENT` or `DELIVERED` status, newest first. Finished commands are listed by ListAsyncHistoryCommands.
         */
        get: operations["listAsyncCommands"];
        put?: never;
        /**
         * Deliver an asynchronous command to an NB-IoT device
         * @description Queues a command for one device and answers at once; the result arrives later through the
         *     `device.command.status` push (see CreateRuleAction) or ShowAsyncDeviceCommand.
         *
         *     With `send_strategy: delay` the command is cached (`PENDING`) and written to the device when it next reports
         *     data or comes online, oldest first; it becomes `EXPIRED` if still cached after `expire_time` seconds (0 or
         *     absent: 86400). A device holds at most 20 `PENDING` commands; the 21st is refused with 400 IOTDA.014114.
         *     With `send_strategy: immediately` the command is written now (`SENT`), or ends `FAILED` if the device is not
         *     reachable. `paras` may be at most 262144 bytes as JSON (413 IOTDA.000024 above).
         */
        post: operations["createAsyncCommand"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v5/iot/{project_id}/devices/{device_id}/async-commands/{command_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Show one asynchronous command
         * @description The command with its current status, device result and the time of each step.
         */
        get: operations["showAsyncDeviceCommand"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v5/iot/{project_id}/devices/{device_id}/async-commands-history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a device's finished commands
         * @description Commands in `SUCCESSFUL`, `FAILED`, `TIMEOUT` or `EXPIRED` status, newest first. The page has no `count`; use CountAsyncHistoryCommands.
         */
        get: operations["listAsyncHistoryCommands"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v5/iot/{project_id}/devices/{device_id}/async-commands-history/count": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Count a device's finished commands
         * @description Number of history commands matching the filters. POST without a body, filters in the query string, as the Huawei Cloud SDKs send it.
         */
        post: operations["countAsyncHistoryCommands"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v5/iot/{project_id}/devices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List devices
         * @description Devices of the project, newest first, without secrets.
         */
        get: operations["listDevices"];
        put?: never;
        /**
         * Register an NB-IoT device
         * @description Registers a device so that commands can be queued for it. Without `device_id` the ID is `<product_id>_<node_id>`; without `auth_info.secret` a hex secret is generated. A taken `device_id` is refused with 400 IOTDA.014031, a `node_id` used by another device with 400 IOTDA.014032.
         */
        post: operations["addDevice"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v5/iot/{project_id}/devices/{device_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Show a device
         * @description The device with its status and authentication settings (including the secret).
         */
        get: operations["showDevice"];
        put?: never;
        post?: never;
        /**
         * Delete a device
         * @description Deletes the device; commands still queued for it are never delivered.
         */
        delete: operations["deleteDevice"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v5/iot/{project_id}/routing-rule/rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List routing rules
         * @description Rules of the project, newest first, filtered by the given query parameters.
         */
        get: operations["listRoutingRules"];
        put?: never;
        /**
         * Create a routing rule
         * @description Creates an inactive rule. To receive async command results: create a rule with subject `device.command.status`/`update`, add an action (CreateRuleAction), then activate the rule with UpdateRoutingRule `{"active":true}`.
         */
        post: operations["createRoutingRule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v5/iot/{project_id}/routing-rule/rules/{rule_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Show a routing rule
         * @description The rule with its subject and activation state.
         */
        get: operations["showRoutingRule"];
        /**
         * Update or activate a routing rule
         * @description Changes only the given fields. `{"active":true}` activates the rule; `subject`, `app_type` and `app_id` are fixed at creation.
         */
        put: operations["updateRoutingRule"];
        post?: never;
        /**
         * Delete a routing rule
         * @description Deletes the rule and its actions; nothing more is forwarded for it.
         */
        delete: operations["deleteRoutingRule"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v5/iot/{project_id}/routing-rule/actions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List rule actions
         * @description Actions of the project, newest first. `app_id` filters only when `rule_id` is absent and `app_type` is `APP`.
         */
        get: operations["listRuleActions"];
        put?: never;
        /**
         * Add an action (push target) to a routing rule
         * @description Adds an HTTP or AMQP target to an existing rule. Once the rule is active, every matching event is pushed to it; for `device.command.status` rules the HTTP push is described by the `commandStatus` callback (body `DeviceCommandStatusNotification`, Standard Webhooks headers and optional signature). The `token` is write-only and never returned.
         */
        post: operations["createRuleAction"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v5/iot/{project_id}/routing-rule/actions/{action_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Show a rule action
         * @description The action without its `token`.
         */
        get: operations["showRuleAction"];
        /**
         * Update a rule action
         * @description Replaces the channel and/or its detail. Send the whole `channel_detail` (including `token` when signing should stay on); the action stays on its rule.
         */
        put: operations["updateRuleAction"];
        post?: never;
        /**
         * Delete a rule action
         * @description Removes the push target; its rule stays.
         */
        delete: operations["deleteRuleAction"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description Body of every 4xx and 5xx answer. `error_code` is stable and machine-readable (see the table in the API description); `error_msg` is for humans and may carry detail after the catalogue text. The request ID is in the `X-Request-Id` header. */
        Error: {
            /** @example IOTDA.000006 */
            error_code: string;
            /** @example Invalid input data. */
            error_msg: string;
        };
        /**
         * @description UTC instant in IoTDA's compact format `yyyyMMdd'T'HHmmss'Z'`.
         * @example 20241127T191724Z
         */
        IotdaTime: string;
        /** @description Paging information of a list answer. */
        Page: {
            /**
             * @description Number of records matching the query, ignoring limit, offset and marker.
             * @example 1
             */
            count: number;
            /**
             * @description ID of the last record of this page; pass it as `marker` to get the next page. Absent when the page is empty.
             * @example -0ZqwDYHdwDtxD9WgwIKtj
             */
            marker?: string;
        };
        /**
         * @description `GLOBAL`: every resource space of the tenant. `APP`: one resource space (`app_id`, or the default space).
         * @example GLOBAL
         * @enum {string}
         */
        AppType: "GLOBAL" | "APP";
        /**
         * @description Project (tenant) ID. Every resource lives in exactly one project.
         * @example 0d1b2c3a4e5f60718293a4b5c6d7e8f9
         */
        ProjectId: string;
        /**
         * @description Device ID: 1 to 128 letters, digits, underscores or hyphens. Allocated at registration; when AddDevice is called without one it is `<product_id>_<node_id>`.
         * @example 65a1f0c2b7e5c94d1a3f2e10_860123456789012
         */
        DeviceId: string;
        /**
         * @description Command ID allocated by the platform: a UUIDv7 written as 22 order-preserving base-64 digits (`-`, `0-9`, `A-Z`, `_`, `a-z`), so a newer command's ID sorts after an older one's.
         * @example -0ZqwDYHdwDtxD9WgwIKtj
         */
        CommandId: string;
        /**
         * @description Node ID, usually the IMEI of an NB-IoT module: 1 to 64 letters, digits, underscores or hyphens. It is the LwM2M endpoint name and must be globally unique.
         * @example 860123456789012
         */
        NodeId: string;
        /**
         * @description Product ID, 1 to 36 letters, digits, underscores or hyphens.
         * @example 65a1f0c2b7e5c94d1a3f2e10
         */
        ProductId: string;
        /**
         * @description Resource space (application) ID, 1 to 36 letters, digits, underscores or hyphens.
         * @example 8d4a34e5363a49bfa809c6bd788e6ffa
         */
        AppId: string;
        /**
         * @description Routing rule ID allocated by the platform, 1 to 36 letters, digits, underscores or hyphens.
         * @example -0ZqsfI00uKNoWQnuQ20oi
         */
        RuleId: string;
        /**
         * @description Rule action ID allocated by the platform, 1 to 36 letters, digits, underscores or hyphens.
         * @example -0ZqsfPZGv38kmUZw95mkx
         */
        ActionId: string;
        /**
         * @description Paging cursor: the ID of the last record of the previous page. Records are returned newest first (descending ID); only records with an ID below the marker are returned. Omit it (or pass `ffffffffffffffffffffffff`, the IoTDA default) to start from the newest record.
         * @example ffffffffffffffffffffffff
         */
        Marker: string;
        /**
         * @description `immediately`: deliver now (the device must be reachable, otherwise the command ends FAILED; `expire_time` is ignored). `delay`: cache the command and deliver it when the device next reports data or comes online.
         * @example delay
         * @enum {string}
         */
        SendStrategy: "immediately" | "delay";
        /**
         * @description `PENDING` cached, not yet sent; `SENT` written to the device, no ACK yet; `DELIVERED` the device acknowledged it; `SUCCESSFUL` the device executed it; `FAILED` delivery or execution failed; `TIMEOUT` no ACK or result in time; `EXPIRED` still cached when `expire_time` ran out.
         * @example PENDING
         * @enum {string}
         */
        CommandStatus: "PENDING" | "SENT" | "DELIVERED" | "SUCCESSFUL" | "FAILED" | "TIMEOUT" | "EXPIRED";
        /**
         * @description Service of the product model the command belongs to. Needed when the device uses a codec to parse commands.
         * @example Switch
         */
        ServiceId: string;
        /**
         * @description Command name from the product model. Needed when the device uses a codec to parse commands.
         * @example ON_OFF
         */
        CommandName: string;
        /**
         * @description The command for the device, as JSON key/value pairs: the product model's paraNames when `service_id` is set, otherwise a format agreed between application and device. At most 262144 bytes (256 KB) when serialized as JSON; a larger value is refused with 413 IOTDA.000024.
         * @example {
         *       "value": "ON"
         *     }
         */
        Paras: {
            [key: string]: unknown;
        };
        /**
         * @description Seconds the platform caches the command (only for `send_strategy: delay`). 0 or absent means 86400 (24 h); at most 172800 (2 days).
         * @default 0
         * @example 86400
         */
        ExpireTime: number;
        /**
         * @description The device's result (JSON), decoded by the codec; null until the device has answered.
         * @example {
         *       "code": 0,
         *       "state": "ON"
         *     }
         */
        CommandResult: {
            [key: string]: unknown;
        } | null;
        /**
         * @description When the platform sent the command to the device (`yyyyMMdd'T'HHmmss'Z'`, UTC); equals `created_time` for immediate delivery. Absent until sent.
         * @example 20241127T201502Z
         */
        SentTime: string;
        /**
         * @description When the device acknowledged the command (`yyyyMMdd'T'HHmmss'Z'`, UTC). Absent until then.
         * @example 20241127T201503Z
         */
        DeliveredTime: string;
        /**
         * @description When the device returned its result (`yyyyMMdd'T'HHmmss'Z'`, UTC). Absent until then.
         * @example 20241127T201505Z
         */
        ResponseTime: string;
        CreateAsyncCommandRequest: {
            service_id?: components["schemas"]["ServiceId"];
            command_name?: components["schemas"]["CommandName"];
            paras: components["schemas"]["Paras"];
            expire_time?: components["schemas"]["ExpireTime"];
            send_strategy: components["schemas"]["SendStrategy"];
        };
        CreateAsyncCommandResponse: {
            device_id: components["schemas"]["DeviceId"];
            command_id: components["schemas"]["CommandId"];
            service_id?: components["schemas"]["ServiceId"];
            command_name?: components["schemas"]["CommandName"];
            paras: components["schemas"]["Paras"];
            /** @description The cache duration as requested, in seconds (0 means the 24 h default). */
            expire_time: number;
            /**
             * @description `PENDING` when the command was cached, `SENT` when it was written to the device, `FAILED` when immediate delivery was impossible (device offline).
             * @enum {string}
             */
            status: "PENDING" | "SENT" | "FAILED";
            created_time: components["schemas"]["IotdaTime"];
            send_strategy: components["schemas"]["SendStrategy"];
        };
        ShowAsyncDeviceCommandResponse: {
            device_id: components["schemas"]["DeviceId"];
            command_id: components["schemas"]["CommandId"];
            service_id?: components["schemas"]["ServiceId"];
            command_name?: components["schemas"]["CommandName"];
            paras: components["schemas"]["Paras"];
            /** @description The cache duration as requested, in seconds (0 means the 24 h default). */
            expire_time: number;
            status: components["schemas"]["CommandStatus"];
            result?: components["schemas"]["CommandResult"];
            created_time: components["schemas"]["IotdaTime"];
            sent_time?: components["schemas"]["SentTime"];
            delivered_time?: components["schemas"]["DeliveredTime"];
            response_time?: components["schemas"]["ResponseTime"];
            send_strategy: components["schemas"]["SendStrategy"];
        };
        /** @description A command in a list answer; `paras` and `result` are only returned by ShowAsyncDeviceCommand. */
        AsyncCommandListItem: {
            device_id: components["schemas"]["DeviceId"];
            command_id: components["schemas"]["CommandId"];
            service_id?: components["schemas"]["ServiceId"];
            command_name?: components["schemas"]["CommandName"];
            /** @description The cache duration as requested, in seconds (0 means the 24 h default). */
            expire_time: number;
            status: components["schemas"]["CommandStatus"];
            created_time: components["schemas"]["IotdaTime"];
            sent_time?: components["schemas"]["SentTime"];
            delivered_time?: components["schemas"]["DeliveredTime"];
            response_time?: components["schemas"]["ResponseTime"];
            send_strategy: components["schemas"]["SendStrategy"];
        };
        ListAsyncCommandsResponse: {
            commands: components["schemas"]["AsyncCommandListItem"][];
            page: components["schemas"]["Page"];
        };
        /** @description Paging of the history list. It has no `count`; CountAsyncHistoryCommands answers that. */
        HistoryCommandPage: {
            /**
             * @description ID of the last record of this page; pass it as `marker` to get the next page. Absent when the page is empty.
             * @example -0ZqwDYHdwDtxD9WgwIKtj
             */
            marker?: string;
        };
        ListAsyncHistoryCommandsResponse: {
            commands: components["schemas"]["AsyncCommandListItem"][];
            page: components["schemas"]["HistoryCommandPage"];
        };
        CountAsyncHistoryCommandsResponse: {
            /**
             * @description Number of history commands matching the filters.
             * @example 1
             */
            count: number;
        };
        /**
         * @description Device name: 1 to 256 Chinese characters, letters, digits or any of `_?'#().,&%@!-`.
         * @example water-meter-0042
         */
        DeviceName: string;
        /**
         * @description `ONLINE`, `OFFLINE`, `ABNORMAL`: connection state. `INACTIVE`: registered but never connected. `FROZEN`: the device may not connect.
         * @example ONLINE
         * @enum {string}
         */
        DeviceStatus: "ONLINE" | "OFFLINE" | "ABNORMAL" | "INACTIVE" | "FROZEN";
        /**
         * @description `GATEWAY`: connected directly (or a gateway). `ENDPOINT`: connected through a gateway.
         * @example GATEWAY
         * @enum {string}
         */
        NodeType: "ENDPOINT" | "GATEWAY" | "UNKNOWN";
        /**
         * @description Pre-shared key for CoAP over DTLS (port 5684), hex-encoded because NB-IoT modules only take hex secrets: 8 to 32 hexadecimal digits.
         * @example 3f1c9a7b5e2d4c6a8b0e1f2a3b4c5d6e
         */
        DeviceSecret: string;
        /**
         * @description Free-form JSON stored with the device, at most 1 KB serialized.
         * @example {
         *       "site": "pump-station-7"
         *     }
         */
        ExtensionInfo: {
            [key: string]: unknown;
        };
        /**
         * @description UTC instant as `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`.
         * @example 2024-11-27T20:15:02.000Z
         */
        IsoMillisTime: string;
        /** @description How the device authenticates. When `secret` is absent the platform generates one. */
        AuthInfo: {
            /**
             * @description Only secret (PSK) authentication is supported.
             * @default SECRET
             * @enum {string}
             */
            auth_type?: "SECRET";
            secret?: components["schemas"]["DeviceSecret"];
            /** @description `true`: the device must use DTLS (CoAP port 5684). `false`: plain CoAP (port 5683) is accepted. */
            secure_access?: boolean;
            /**
             * @description Seconds the device has to connect for the first time before the registration is deleted; 0 means never.
             * @default 0
             */
            timeout?: number;
        };
        /** @description The device's authentication settings. `secret` is returned by AddDevice and ShowDevice, never listed. */
        AuthInfoResponse: {
            /** @enum {string} */
            auth_type?: "SECRET";
            secret?: components["schemas"]["DeviceSecret"];
            secure_access?: boolean;
            timeout?: number;
        };
        AddDeviceRequest: {
            device_id?: components["schemas"]["DeviceId"];
            node_id: components["schemas"]["NodeId"];
            device_name?: components["schemas"]["DeviceName"];
            product_id: components["schemas"]["ProductId"];
            auth_info?: components["schemas"]["AuthInfo"];
            description?: string;
            /** @description Parent device; absent for a directly connected device (its `gateway_id` is then its own ID). */
            gateway_id?: components["schemas"]["DeviceId"];
            app_id?: components["schemas"]["AppId"];
            extension_info?: components["schemas"]["ExtensionInfo"];
        };
        /** @description A registered device, as AddDevice and ShowDevice return it. */
        Device: {
            app_id?: components["schemas"]["AppId"];
            device_id: components["schemas"]["DeviceId"];
            node_id: components["schemas"]["NodeId"];
            gateway_id: components["schemas"]["DeviceId"];
            device_name?: components["schemas"]["DeviceName"];
            node_type?: components["schemas"]["NodeType"];
            description?: string;
            product_id: components["schemas"]["ProductId"];
            status: components["schemas"]["DeviceStatus"];
            auth_info?: components["schemas"]["AuthInfoResponse"];
            create_time: components["schemas"]["IotdaTime"];
            connection_status_update_time?: components["schemas"]["IsoMillisTime"];
            active_time?: components["schemas"]["IsoMillisTime"];
            extension_info?: components["schemas"]["ExtensionInfo"];
        };
        /** @description A device in a list answer (no `auth_info`, times or `extension_info`). */
        DeviceListItem: {
            app_id?: components["schemas"]["AppId"];
            device_id: components["schemas"]["DeviceId"];
            node_id: components["schemas"]["NodeId"];
            gateway_id: components["schemas"]["DeviceId"];
            device_name?: components["schemas"]["DeviceName"];
            node_type?: components["schemas"]["NodeType"];
            description?: string;
            product_id: components["schemas"]["ProductId"];
            status: components["schemas"]["DeviceStatus"];
        };
        ListDevicesResponse: {
            devices: components["schemas"]["DeviceListItem"][];
            page: components["schemas"]["Page"];
        };
        /**
         * @description Rule name: 1 to 256 Chinese characters, letters, digits or any of `_?'#().,&%@!-`.
         * @example command-status
         */
        RuleName: string;
        /** @example Push async command status changes to the application server */
        RuleDescription: string;
        /**
         * @description SQL select clause over the pushed body (e.g. `notify_data.body`), up to 2500 characters. Stored verbatim; when updating, send `select` and `where` together, and an empty string clears a clause.
         * @example notify_data.header as header, notify_data.body as body
         */
        RuleSelect: string;
        /**
         * @description SQL where clause over the pushed body, up to 2500 characters. Stored verbatim (see `select`).
         * @example notify_data.body.status = 'SUCCESSFUL'
         */
        RuleWhere: string;
        /**
         * @description Resource whose events trigger the rule. Valid `resource`/`event` pairs: `device` create|delete|update, `device.status` update, `device.property` report, `device.message` report, `device.message.status` update, `batchtask` update, `product` create|delete|update, `device.command.status` update (async command status changes, the one this service emits). Another pair is refused with 400 IOTDA.010000.
         * @example device.command.status
         * @enum {string}
         */
        RuleResource: "device" | "device.status" | "device.property" | "device.message" | "device.message.status" | "batchtask" | "product" | "device.command.status";
        /**
         * @description Event of the resource that triggers the rule (see `resource` for the valid pairs).
         * @example update
         * @enum {string}
         */
        RuleEvent: "create" | "delete" | "update" | "report";
        RoutingRuleSubject: {
            resource: components["schemas"]["RuleResource"];
            event: components["schemas"]["RuleEvent"];
        };
        CreateRoutingRuleRequest: {
            rule_name?: components["schemas"]["RuleName"];
            description?: components["schemas"]["RuleDescription"];
            subject: components["schemas"]["RoutingRuleSubject"];
            /** @default GLOBAL */
            app_type?: components["schemas"]["AppType"];
            app_id?: components["schemas"]["AppId"];
            select?: components["schemas"]["RuleSelect"];
            where?: components["schemas"]["RuleWhere"];
        };
        /** @description Only the given fields change. `subject`, `app_type` and `app_id` cannot be changed; a rule forwards only while `active` is true. */
        UpdateRoutingRuleRequest: {
            rule_name?: components["schemas"]["RuleName"];
            description?: components["schemas"]["RuleDescription"];
            select?: components["schemas"]["RuleSelect"];
            where?: components["schemas"]["RuleWhere"];
            /** @description Whether the rule forwards events. */
            active?: boolean;
        };
        /** @description A routing rule. New rules are inactive until activated with UpdateRoutingRule `{"active":true}`. */
        RoutingRule: {
            rule_id: components["schemas"]["RuleId"];
            rule_name?: components["schemas"]["RuleName"];
            description?: components["schemas"]["RuleDescription"];
            subject: components["schemas"]["RoutingRuleSubject"];
            app_type: components["schemas"]["AppType"];
            app_id?: components["schemas"]["AppId"];
            select?: components["schemas"]["RuleSelect"];
            where?: components["schemas"]["RuleWhere"];
            /** @description Whether the rule forwards events. */
            active: boolean;
        };
        ListRoutingRulesResponse: {
            rules: components["schemas"]["RoutingRule"][];
            /** @description Number of rules matching the query, ignoring limit, offset and marker. */
            count: number;
            /** @description ID of the last rule of this page; pass it as `marker` to get the next page. Absent when empty. */
            marker?: string;
        };
        /**
         * @description Where matching events go. Only `HTTP_FORWARDING` and `AMQP_FORWARDING` are supported; the other IoTDA channels (DIS, OBS, Kafka, ...) are refused with 400.
         * @example HTTP_FORWARDING
         * @enum {string}
         */
        Channel: "HTTP_FORWARDING" | "AMQP_FORWARDING";
        /** @description HTTP push target. Every event is POSTed as JSON with Standard Webhooks headers (see the `commandStatus` callback of CreateRuleAction); only a `200` answer counts as delivered. */
        HttpForwarding: {
            /**
             * @description HTTP(S) URL that receives the events.
             * @example http://127.0.0.1:9000/iot/command-status
             */
            url: string;
            /**
             * @description ID of the CA certificate used to verify an HTTPS server.
             * @example 5a9f0c2b7e5c94d1a3f2e10d
             */
            cert_id?: string;
            /**
             * @description Server certificate domain sent as SNI; required when `sni_enable` is true.
             * @example 127.0.0.1:9443
             */
            cn_name?: string;
            /**
             * @description Send `cn_name` as TLS SNI.
             * @default false
             */
            sni_enable?: boolean;
            /**
             * @description Sign every push with `token` (header `webhook-signature`). Has no effect without a `token`.
             * @default false
             */
            signature_enable?: boolean;
            /**
             * @description Signing key: 3 to 32 letters or digits. Write-only: it is never returned. The receiver recomputes the `webhook-signature` with it.
             * @example Snooze2024Token
             */
            token?: string;
        };
        /** @description AMQP target. Events are put on the named queue with the same JSON body as the HTTP push. */
        AmqpForwarding: {
            /**
             * @description Queue name: 8 to 128 letters, digits or any of `_.:-`.
             * @example snooze-command-status
             */
            queue_name: string;
        };
        /** @description Exactly one member, the one matching `channel` (`http_forwarding` for HTTP_FORWARDING, `amqp_forwarding` for AMQP_FORWARDING); a mismatch is refused with 400 IOTDA.010005. */
        ChannelDetail: {
            http_forwarding?: components["schemas"]["HttpForwarding"];
            amqp_forwarding?: components["schemas"]["AmqpForwarding"];
        };
        CreateRuleActionRequest: {
            /** @description An existing routing rule (404 IOTDA.010002 otherwise). */
            rule_id: components["schemas"]["RuleId"];
            channel: components["schemas"]["Channel"];
            channel_detail: components["schemas"]["ChannelDetail"];
        };
        /** @description Only the given fields change; an action cannot move to another rule. */
        UpdateRuleActionRequest: {
            channel?: components["schemas"]["Channel"];
            channel_detail?: components["schemas"]["ChannelDetail"];
        };
        /** @description A rule action. `token` is never returned. */
        RuleAction: {
            action_id: components["schemas"]["ActionId"];
            rule_id: components["schemas"]["RuleId"];
            app_id?: components["schemas"]["AppId"];
            channel: components["schemas"]["Channel"];
            channel_detail: components["schemas"]["ChannelDetail"];
        };
        ListRuleActionsResponse: {
            actions: components["schemas"]["RuleAction"][];
            /** @description Number of actions matching the query, ignoring limit, offset and marker. */
            count: number;
            /** @description ID of the last action of this page; pass it as `marker` to get the next page. Absent when empty. */
            marker?: string;
        };
        /**
         * @description `yyyyMMdd'T'HHmmss'Z'` (UTC), or an empty string while the step has not happened yet (as IoTDA sends it).
         * @example 20241127T201505Z
         */
        PushTime: string;
        /** @description Which device the event is about. */
        NotifyDataHeader: {
            /** @example 8d4a34e5363a49bfa809c6bd788e6ffa */
            app_id?: string;
            /** @example 65a1f0c2b7e5c94d1a3f2e10_860123456789012 */
            device_id?: string;
            /** @example 860123456789012 */
            node_id?: string;
            /** @example 65a1f0c2b7e5c94d1a3f2e10 */
            product_id?: string;
            /**
             * @description Equals `device_id` for a directly connected device.
             * @example 65a1f0c2b7e5c94d1a3f2e10_860123456789012
             */
            gateway_id?: string;
            tags?: {
                tag_key?: string;
                tag_value?: string;
            }[];
        };
        /** @description The command's state after the change. */
        DeviceCommandStatusUpdate: {
            command_id: components["schemas"]["CommandId"];
            created_time?: components["schemas"]["PushTime"];
            sent_time?: components["schemas"]["PushTime"];
            delivered_time?: components["schemas"]["PushTime"];
            response_time?: components["schemas"]["PushTime"];
            status?: components["schemas"]["CommandStatus"];
            result?: components["schemas"]["CommandResult"];
        };
        /** @description Pushed (HTTP POST or AMQP message) to every action of every active routing rule with subject `device.command.status`/`update` in the device's project, each time an async command changes status. */
        DeviceCommandStatusNotification: {
            /** @enum {string} */
            resource: "device.command.status";
            /** @enum {string} */
            event: "update";
            event_time: components["schemas"]["IotdaTime"];
            /**
             * @description The same instant with milliseconds, `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'` (UTC).
             * @example 2024-11-27T20:15:05.312Z
             */
            event_time_ms?: string;
            /**
             * @description Message ID for tracing; the event ID, `<command_id>-<status>`, as in the `webhook-id` header.
             * @example -0ZqwDYHdwDtxD9WgwIKtj-SUCCESSFUL
             */
            request_id?: string;
            notify_data: {
                header: components["schemas"]["NotifyDataHeader"];
                body: components["schemas"]["DeviceCommandStatusUpdate"];
            };
        };
    };
    responses: {
        /** @description The request breaks the contract or a business rule. Codes: IOTDA.000006 (invalid input: pattern, enum, range, unknown or missing field), IOTDA.000008 (malformed JSON, wrong media type), IOTDA.000009 (time format), IOTDA.000010 (start_time after end_time), IOTDA.000017 (limit out of range), IOTDA.014031 (device exists), IOTDA.014032 (node_id in use), IOTDA.014114 (the device already has 20 PENDING commands), IOTDA.010000 (invalid rule), IOTDA.010005 (invalid rule action). */
        BadRequest: {
            headers: {
                "X-Request-Id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error_code": "IOTDA.000006",
                 *       "error_msg": "Invalid input data."
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No credentials, an unknown token, or a bad AK/SK signature or date (IOTDA.000002). */
        Unauthorized: {
            headers: {
                "X-Request-Id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error_code": "IOTDA.000002",
                 *       "error_msg": "Authentication failed. The request is unauthorized."
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The credentials do not grant access to this project (IOTDA.000021). */
        Forbidden: {
            headers: {
                "X-Request-Id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error_code": "IOTDA.000021",
                 *       "error_msg": "Operation not allowed. The credentials do not grant access to this project."
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The device does not exist in this project (IOTDA.014000). */
        DeviceNotFound: {
            headers: {
                "X-Request-Id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error_code": "IOTDA.014000",
                 *       "error_msg": "The device does not exist."
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The device (IOTDA.014000) or the command (IOTDA.014113) does not exist. */
        CommandNotFound: {
            headers: {
                "X-Request-Id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error_code": "IOTDA.014113",
                 *       "error_msg": "The command does not exist."
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The routing rule does not exist in this project (IOTDA.010002). */
        RuleNotFound: {
            headers: {
                "X-Request-Id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error_code": "IOTDA.010002",
                 *       "error_msg": "The rule does not exist."
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The rule action does not exist in this project (IOTDA.010006). */
        ActionNotFound: {
            headers: {
                "X-Request-Id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error_code": "IOTDA.010006",
                 *       "error_msg": "The rule action does not exist."
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The request body is too large, e.g. `paras` above 262144 bytes (IOTDA.000024). */
        PayloadTooLarge: {
            headers: {
                "X-Request-Id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error_code": "IOTDA.000024",
                 *       "error_msg": "The request body is too large."
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The project exceeded its request rate (IOTDA.021101). Retry later. */
        TooManyRequests: {
            headers: {
                "X-Request-Id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error_code": "IOTDA.021101",
                 *       "error_msg": "Request reached the maximum rate limit."
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description An unexpected server failure (IOTDA.000001). Safe to retry reads; retrying a create may duplicate it. */
        InternalError: {
            headers: {
                "X-Request-Id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error_code": "IOTDA.000001",
                 *       "error_msg": "Internal server error."
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: {
        /**
         * @description Project (tenant) ID. With AK/SK signing it is also sent as `X-Project-Id`.
         * @example 0d1b2c3a4e5f60718293a4b5c6d7e8f9
         */
        ProjectId: components["schemas"]["ProjectId"];
        /**
         * @description Device ID, 1 to 128 letters, digits, underscores or hyphens.
         * @example 65a1f0c2b7e5c94d1a3f2e10_860123456789012
         */
        DeviceId: components["schemas"]["DeviceId"];
        /**
         * @description Command ID returned by CreateAsyncCommand, 1 to 100 letters, digits, underscores or hyphens.
         * @example -0ZqwDYHdwDtxD9WgwIKtj
         */
        CommandId: components["schemas"]["CommandId"];
        /**
         * @description Routing rule ID returned by CreateRoutingRule.
         * @example -0ZqsfI00uKNoWQnuQ20oi
         */
        RuleId: components["schemas"]["RuleId"];
        /**
         * @description Rule action ID returned by CreateRuleAction.
         * @example -0ZqsfPZGv38kmUZw95mkx
         */
        ActionId: components["schemas"]["ActionId"];
        /**
         * @description IoTDA instance ID (mandatory on IoTDA professional editions). Optional here; accepted because the Huawei Cloud SDKs send it and include it in the AK/SK signature.
         * @example 7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e
         */
        InstanceId: string;
        /**
         * @description Stable ID of the event, `<command_id>-<status>` (a command enters each status at most once). A retried or re-sent event keeps its ID, so receivers drop duplicates by it.
         * @example -0ZqwDYHdwDtxD9WgwIKtj-SUCCESSFUL
         */
        WebhookId: string;
        /**
         * @description When the push was sent, in Unix seconds. Receivers reject timestamps more than 5 minutes old.
         * @example 1732738505
         */
        WebhookTimestamp: number;
        /**
         * @description Present only when the action has `signature_enable: true` and a `token`. Value `v1,<base64(HMAC-SHA256(key = token as UTF-8 bytes, message = "<webhook-id>.<webhook-timestamp>.<raw body>"))>`. The example is the signature of the example body, serialized as compact JSON, with token `Snooze2024Token`.
         * @example v1,DCGxlc7Mas704oEHddjVj9wab086ixQs/Z4+G3qu9vE=
         */
        WebhookSignature: string;
        /**
         * @description Page size, 1 to 50 (default 10). A value out of range is refused with 400 IOTDA.000017.
         * @example 10
         */
        Limit: number;
        /**
         * @description Records to skip after `marker`, 0 to 500 (default 0). Use `marker` to page further.
         * @example 0
         */
        Offset: number;
        /**
         * @description ID of the last record of the previous page (its `marker`). Records come newest first; only records with a lower ID are returned. Absent (or `ffffffffffffffffffffffff`): start from the newest.
         * @example ffffffffffffffffffffffff
         */
        Marker: components["schemas"]["Marker"];
        /**
         * @description Only records created at or after this instant (commands: creation time; devices: registration time), `yyyyMMdd'T'HHmmss'Z'` UTC. A malformed value is refused with 400 IOTDA.000009; a value after `end_time` with 400 IOTDA.000010.
         * @example 20241127T000000Z
         */
        StartTime: components["schemas"]["IotdaTime"];
        /**
         * @description Only records created at or before this instant, `yyyyMMdd'T'HHmmss'Z'` UTC (see `start_time`).
         * @example 20241128T000000Z
         */
        EndTime: components["schemas"]["IotdaTime"];
        /**
         * @description Only commands in this status.
         * @example PENDING
         */
        CommandStatusFilter: components["schemas"]["CommandStatus"];
        /**
         * @description Only history commands in this status.
         * @example SUCCESSFUL
         */
        HistoryStatusFilter: components["schemas"]["CommandStatus"];
        /**
         * @description Only commands with this name.
         * @example ON_OFF
         */
        CommandNameFilter: components["schemas"]["CommandName"];
        /**
         * @description Only rules whose subject has this resource.
         * @example device.command.status
         */
        ResourceFilter: components["schemas"]["RuleResource"];
        /**
         * @description Only rules whose subject has this event.
         * @example update
         */
        EventFilter: components["schemas"]["RuleEvent"];
        /**
         * @description Only rules or actions of this scope.
         * @example GLOBAL
         */
        AppTypeFilter: components["schemas"]["AppType"];
        /**
         * @description Only records of this resource space.
         * @example 8d4a34e5363a49bfa809c6bd788e6ffa
         */
        AppIdFilter: components["schemas"]["AppId"];
        /**
         * @description Only rules with this name.
         * @example command-status
         */
        RuleNameFilter: components["schemas"]["RuleName"];
        /**
         * @description Only active (`true`) or inactive (`false`) rules.
         * @example true
         */
        ActiveFilter: boolean;
        /**
         * @description Only actions of this rule.
         * @example -0ZqsfI00uKNoWQnuQ20oi
         */
        RuleIdFilter: components["schemas"]["RuleId"];
        /**
         * @description Only actions of this channel.
         * @example HTTP_FORWARDING
         */
        ChannelFilter: components["schemas"]["Channel"];
        /**
         * @description Only devices of this product.
         * @example 65a1f0c2b7e5c94d1a3f2e10
         */
        ProductIdFilter: components["schemas"]["ProductId"];
        /**
         * @description Only the devices directly attached to this parent device.
         * @example 65a1f0c2b7e5c94d1a3f2e10_860123456789012
         */
        GatewayIdFilter: components["schemas"]["DeviceId"];
        /**
         * @description Only the device with this node ID.
         * @example 860123456789012
         */
        NodeIdFilter: components["schemas"]["NodeId"];
        /**
         * @description Only devices with this name.
         * @example water-meter-0042
         */
        DeviceNameFilter: components["schemas"]["DeviceName"];
    };
    requestBodies: never;
    headers: {
        /**
         * @description ID of this request, on every answer (success and error). Quote it when reporting a problem; the server logs it with the request.
         * @example 0b7c9f6e1d2a4b3c8e5f60718293a4b5
         */
        XRequestId: string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listAsyncCommands: {
        parameters: {
            query?: {
                /**
                 * @description Page size, 1 to 50 (default 10). A value out of range is refused with 400 IOTDA.000017.
                 * @example 10
                 */
                limit?: components["parameters"]["Limit"];
                /**
                 * @description ID of the last record of the previous page (its `marker`). Records come newest first; only records with a lower ID are returned. Absent (or `ffffffffffffffffffffffff`): start from the newest.
                 * @example ffffffffffffffffffffffff
                 */
                marker?: components["parameters"]["Marker"];
                /**
                 * @description Records to skip after `marker`, 0 to 500 (default 0). Use `marker` to page further.
                 * @example 0
                 */
                offset?: components["parameters"]["Offset"];
                /**
                 * @description Only records created at or after this instant (commands: creation time; devices: registration time), `yyyyMMdd'T'HHmmss'Z'` UTC. A malformed value is refused with 400 IOTDA.000009; a value after `end_time` with 400 IOTDA.000010.
                 * @example 20241127T000000Z
                 */
                start_time?: components["parameters"]["StartTime"];
                /**
                 * @description Only records created at or before this instant, `yyyyMMdd'T'HHmmss'Z'` UTC (see `start_time`).
                 * @example 20241128T000000Z
                 */
                end_time?: components["parameters"]["EndTime"];
                /**
                 * @description Only commands in this status.
                 * @example PENDING
                 */
                status?: components["parameters"]["CommandStatusFilter"];
                /**
                 * @description Only commands with this name.
                 * @example ON_OFF
                 */
                command_name?: components["parameters"]["CommandNameFilter"];
            };
            header?: {
                /**
                 * @description IoTDA instance ID (mandatory on IoTDA professional editions). Optional here; accepted because the Huawei Cloud SDKs send it and include it in the AK/SK signature.
                 * @example 7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e
                 */
                "Instance-Id"?: components["parameters"]["InstanceId"];
            };
            path: {
                /**
                 * @description Project (tenant) ID. With AK/SK signing it is also sent as `X-Project-Id`.
                 * @example 0d1b2c3a4e5f60718293a4b5c6d7e8f9
                 */
                project_id: components["parameters"]["ProjectId"];
                /**
                 * @description Device ID, 1 to 128 letters, digits, underscores or hyphens.
                 * @example 65a1f0c2b7e5c94d1a3f2e10_860123456789012
                 */
                device_id: components["parameters"]["DeviceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of queued commands. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "commands": [
                     *         {
                     *           "device_id": "65a1f0c2b7e5c94d1a3f2e10_860123456789012",
                     *           "command_id": "-0ZqwDYHdwDtxD9WgwIKtj",
                     *           "service_id": "Switch",
                     *           "command_name": "ON_OFF",
                     *           "expire_time": 86400,
                     *           "status": "PENDING",
                     *           "created_time": "20241127T191724Z",
                     *           "send_strategy": "delay"
                     *         }
                     *       ],
                     *       "page": {
                     *         "count": 1,
                     *         "marker": "-0ZqwDYHdwDtxD9WgwIKtj"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ListAsyncCommandsResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["DeviceNotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    createAsyncCommand: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description IoTDA instance ID (mandatory on IoTDA professional editions). Optional here; accepted because the Huawei Cloud SDKs send it and include it in the AK/SK signature.
                 * @example 7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e
                 */
                "Instance-Id"?: components["parameters"]["InstanceId"];
            };
            path: {
                /**
                 * @description Project (tenant) ID. With AK/SK signing it is also sent as `X-Project-Id`.
                 * @example 0d1b2c3a4e5f60718293a4b5c6d7e8f9
                 */
                project_id: components["parameters"]["ProjectId"];
                /**
                 * @description Device ID, 1 to 128 letters, digits, underscores or hyphens.
                 * @example 65a1f0c2b7e5c94d1a3f2e10_860123456789012
                 */
                device_id: components["parameters"]["DeviceId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "service_id": "Switch",
                 *       "command_name": "ON_OFF",
                 *       "paras": {
                 *         "value": "ON"
                 *       },
                 *       "expire_time": 86400,
                 *       "send_strategy": "delay"
                 *     }
                 */
                "application/json": components["schemas"]["CreateAsyncCommandRequest"];
            };
        };
        responses: {
            /** @description The command was accepted (cached, sent, or failed at once). */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "device_id": "65a1f0c2b7e5c94d1a3f2e10_860123456789012",
                     *       "command_id": "-0ZqwDYHdwDtxD9WgwIKtj",
                     *       "service_id": "Switch",
                     *       "command_name": "ON_OFF",
                     *       "paras": {
                     *         "value": "ON"
                     *       },
                     *       "expire_time": 86400,
                     *       "status": "PENDING",
                     *       "created_time": "20241127T191724Z",
                     *       "send_strategy": "delay"
                     *     }
                     */
                    "application/json": components["schemas"]["CreateAsyncCommandResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["DeviceNotFound"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    showAsyncDeviceCommand: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description IoTDA instance ID (mandatory on IoTDA professional editions). Optional here; accepted because the Huawei Cloud SDKs send it and include it in the AK/SK signature.
                 * @example 7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e
                 */
                "Instance-Id"?: components["parameters"]["InstanceId"];
            };
            path: {
                /**
                 * @description Project (tenant) ID. With AK/SK signing it is also sent as `X-Project-Id`.
                 * @example 0d1b2c3a4e5f60718293a4b5c6d7e8f9
                 */
                project_id: components["parameters"]["ProjectId"];
                /**
                 * @description Device ID, 1 to 128 letters, digits, underscores or hyphens.
                 * @example 65a1f0c2b7e5c94d1a3f2e10_860123456789012
                 */
                device_id: components["parameters"]["DeviceId"];
                /**
                 * @description Command ID returned by CreateAsyncCommand, 1 to 100 letters, digits, underscores or hyphens.
                 * @example -0ZqwDYHdwDtxD9WgwIKtj
                 */
                command_id: components["parameters"]["CommandId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The command. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "device_id": "65a1f0c2b7e5c94d1a3f2e10_860123456789012",
                     *       "command_id": "-0ZqwDYHdwDtxD9WgwIKtj",
                     *       "service_id": "Switch",
                     *       "command_name": "ON_OFF",
                     *       "paras": {
                     *         "value": "ON"
                     *       },
                     *       "expire_time": 86400,
                     *       "status": "SUCCESSFUL",
                     *       "result": {
                     *         "code": 0,
                     *         "state": "ON"
                     *       },
                     *       "created_time": "20241127T191724Z",
                     *       "sent_time": "20241127T201502Z",
                     *       "delivered_time": "20241127T201503Z",
                     *       "response_time": "20241127T201505Z",
                     *       "send_strategy": "delay"
                     *     }
                     */
                    "application/json": components["schemas"]["ShowAsyncDeviceCommandResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["CommandNotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    listAsyncHistoryCommands: {
        parameters: {
            query?: {
                /**
                 * @description Page size, 1 to 50 (default 10). A value out of range is refused with 400 IOTDA.000017.
                 * @example 10
                 */
                limit?: components["parameters"]["Limit"];
                /**
                 * @description ID of the last record of the previous page (its `marker`). Records come newest first; only records with a lower ID are returned. Absent (or `ffffffffffffffffffffffff`): start from the newest.
                 * @example ffffffffffffffffffffffff
                 */
                marker?: components["parameters"]["Marker"];
                /**
                 * @description Records to skip after `marker`, 0 to 500 (default 0). Use `marker` to page further.
                 * @example 0
                 */
                offset?: components["parameters"]["Offset"];
                /**
                 * @description Only records created at or after this instant (commands: creation time; devices: registration time), `yyyyMMdd'T'HHmmss'Z'` UTC. A malformed value is refused with 400 IOTDA.000009; a value after `end_time` with 400 IOTDA.000010.
                 * @example 20241127T000000Z
                 */
                start_time?: components["parameters"]["StartTime"];
                /**
                 * @description Only records created at or before this instant, `yyyyMMdd'T'HHmmss'Z'` UTC (see `start_time`).
                 * @example 20241128T000000Z
                 */
                end_time?: components["parameters"]["EndTime"];
                /**
                 * @description Only history commands in this status.
                 * @example SUCCESSFUL
                 */
                status?: components["parameters"]["HistoryStatusFilter"];
                /**
                 * @description Only commands with this name.
                 * @example ON_OFF
                 */
                command_name?: components["parameters"]["CommandNameFilter"];
            };
            header?: {
                /**
                 * @description IoTDA instance ID (mandatory on IoTDA professional editions). Optional here; accepted because the Huawei Cloud SDKs send it and include it in the AK/SK signature.
                 * @example 7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e
                 */
                "Instance-Id"?: components["parameters"]["InstanceId"];
            };
            path: {
                /**
                 * @description Project (tenant) ID. With AK/SK signing it is also sent as `X-Project-Id`.
                 * @example 0d1b2c3a4e5f60718293a4b5c6d7e8f9
                 */
                project_id: components["parameters"]["ProjectId"];
                /**
                 * @description Device ID, 1 to 128 letters, digits, underscores or hyphens.
                 * @example 65a1f0c2b7e5c94d1a3f2e10_860123456789012
                 */
                device_id: components["parameters"]["DeviceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of finished commands. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "commands": [
                     *         {
                     *           "device_id": "65a1f0c2b7e5c94d1a3f2e10_860123456789012",
                     *           "command_id": "-0ZqwDYHdwDtxD9WgwIKtj",
                     *           "service_id": "Switch",
                     *           "command_name": "ON_OFF",
                     *           "expire_time": 86400,
                     *           "status": "SUCCESSFUL",
                     *           "created_time": "20241127T191724Z",
                     *           "sent_time": "20241127T201502Z",
                     *           "delivered_time": "20241127T201503Z",
                     *           "response_time": "20241127T201505Z",
                     *           "send_strategy": "delay"
                     *         }
                     *       ],
                     *       "page": {
                     *         "marker": "-0ZqwDYHdwDtxD9WgwIKtj"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ListAsyncHistoryCommandsResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["DeviceNotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    countAsyncHistoryCommands: {
        parameters: {
            query?: {
                /**
                 * @description Only records created at or after this instant (commands: creation time; devices: registration time), `yyyyMMdd'T'HHmmss'Z'` UTC. A malformed value is refused with 400 IOTDA.000009; a value after `end_time` with 400 IOTDA.000010.
                 * @example 20241127T000000Z
                 */
                start_time?: components["parameters"]["StartTime"];
                /**
                 * @description Only records created at or before this instant, `yyyyMMdd'T'HHmmss'Z'` UTC (see `start_time`).
                 * @example 20241128T000000Z
                 */
                end_time?: components["parameters"]["EndTime"];
                /**
                 * @description Only history commands in this status.
                 * @example SUCCESSFUL
                 */
                status?: components["parameters"]["HistoryStatusFilter"];
                /**
                 * @description Only commands with this name.
                 * @example ON_OFF
                 */
                command_name?: components["parameters"]["CommandNameFilter"];
            };
            header?: {
                /**
                 * @description IoTDA instance ID (mandatory on IoTDA professional editions). Optional here; accepted because the Huawei Cloud SDKs send it and include it in the AK/SK signature.
                 * @example 7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e
                 */
                "Instance-Id"?: components["parameters"]["InstanceId"];
            };
            path: {
                /**
                 * @description Project (tenant) ID. With AK/SK signing it is also sent as `X-Project-Id`.
                 * @example 0d1b2c3a4e5f60718293a4b5c6d7e8f9
                 */
                project_id: components["parameters"]["ProjectId"];
                /**
                 * @description Device ID, 1 to 128 letters, digits, underscores or hyphens.
                 * @example 65a1f0c2b7e5c94d1a3f2e10_860123456789012
                 */
                device_id: components["parameters"]["DeviceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The count. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "count": 1
                     *     }
                     */
                    "application/json": components["schemas"]["CountAsyncHistoryCommandsResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["DeviceNotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    listDevices: {
        parameters: {
            query?: {
                /**
                 * @description Only devices of this product.
                 * @example 65a1f0c2b7e5c94d1a3f2e10
                 */
                product_id?: components["parameters"]["ProductIdFilter"];
                /**
                 * @description Only the devices directly attached to this parent device.
                 * @example 65a1f0c2b7e5c94d1a3f2e10_860123456789012
                 */
                gateway_id?: components["parameters"]["GatewayIdFilter"];
                /**
                 * @description Only the device with this node ID.
                 * @example 860123456789012
                 */
                node_id?: components["parameters"]["NodeIdFilter"];
                /**
                 * @description Only devices with this name.
                 * @example water-meter-0042
                 */
                device_name?: components["parameters"]["DeviceNameFilter"];
                /**
                 * @description Page size, 1 to 50 (default 10). A value out of range is refused with 400 IOTDA.000017.
                 * @example 10
                 */
                limit?: components["parameters"]["Limit"];
                /**
                 * @description ID of the last record of the previous page (its `marker`). Records come newest first; only records with a lower ID are returned. Absent (or `ffffffffffffffffffffffff`): start from the newest.
                 * @example ffffffffffffffffffffffff
                 */
                marker?: components["parameters"]["Marker"];
                /**
                 * @description Records to skip after `marker`, 0 to 500 (default 0). Use `marker` to page further.
                 * @example 0
                 */
                offset?: components["parameters"]["Offset"];
                /**
                 * @description Only records created at or after this instant (commands: creation time; devices: registration time), `yyyyMMdd'T'HHmmss'Z'` UTC. A malformed value is refused with 400 IOTDA.000009; a value after `end_time` with 400 IOTDA.000010.
                 * @example 20241127T000000Z
                 */
                start_time?: components["parameters"]["StartTime"];
                /**
                 * @description Only records created at or before this instant, `yyyyMMdd'T'HHmmss'Z'` UTC (see `start_time`).
                 * @example 20241128T000000Z
                 */
                end_time?: components["parameters"]["EndTime"];
                /**
                 * @description Only records of this resource space.
                 * @example 8d4a34e5363a49bfa809c6bd788e6ffa
                 */
                app_id?: components["parameters"]["AppIdFilter"];
            };
            header?: {
                /**
                 * @description IoTDA instance ID (mandatory on IoTDA professional editions). Optional here; accepted because the Huawei Cloud SDKs send it and include it in the AK/SK signature.
                 * @example 7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e
                 */
                "Instance-Id"?: components["parameters"]["InstanceId"];
            };
            path: {
                /**
                 * @description Project (tenant) ID. With AK/SK signing it is also sent as `X-Project-Id`.
                 * @example 0d1b2c3a4e5f60718293a4b5c6d7e8f9
                 */
                project_id: components["parameters"]["ProjectId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of devices. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "devices": [
                     *         {
                     *           "device_id": "65a1f0c2b7e5c94d1a3f2e10_860123456789012",
                     *           "node_id": "860123456789012",
                     *           "gateway_id": "65a1f0c2b7e5c94d1a3f2e10_860123456789012",
                     *           "device_name": "water-meter-0042",
                     *           "node_type": "GATEWAY",
                     *           "description": "Water meter at pump station 7",
                     *           "product_id": "65a1f0c2b7e5c94d1a3f2e10",
                     *           "status": "ONLINE"
                     *         }
                     *       ],
                     *       "page": {
                     *         "count": 1,
                     *         "marker": "65a1f0c2b7e5c94d1a3f2e10_860123456789012"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ListDevicesResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    addDevice: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description IoTDA instance ID (mandatory on IoTDA professional editions). Optional here; accepted because the Huawei Cloud SDKs send it and include it in the AK/SK signature.
                 * @example 7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e
                 */
                "Instance-Id"?: components["parameters"]["InstanceId"];
            };
            path: {
                /**
                 * @description Project (tenant) ID. With AK/SK signing it is also sent as `X-Project-Id`.
                 * @example 0d1b2c3a4e5f60718293a4b5c6d7e8f9
                 */
                project_id: components["parameters"]["ProjectId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "node_id": "860123456789012",
                 *       "device_name": "water-meter-0042",
                 *       "product_id": "65a1f0c2b7e5c94d1a3f2e10",
                 *       "auth_info": {
                 *         "auth_type": "SECRET",
                 *         "secret": "3f1c9a7b5e2d4c6a8b0e1f2a3b4c5d6e",
                 *         "secure_access": true,
                 *         "timeout": 0
                 *       },
                 *       "description": "Water meter at pump station 7",
                 *       "extension_info": {
                 *         "site": "pump-station-7"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["AddDeviceRequest"];
            };
        };
        responses: {
            /** @description The device was registered. */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "device_id": "65a1f0c2b7e5c94d1a3f2e10_860123456789012",
                     *       "node_id": "860123456789012",
                     *       "gateway_id": "65a1f0c2b7e5c94d1a3f2e10_860123456789012",
                     *       "device_name": "water-meter-0042",
                     *       "node_type": "GATEWAY",
                     *       "description": "Water meter at pump station 7",
                     *       "product_id": "65a1f0c2b7e5c94d1a3f2e10",
                     *       "status": "INACTIVE",
                     *       "auth_info": {
                     *         "auth_type": "SECRET",
                     *         "secret": "3f1c9a7b5e2d4c6a8b0e1f2a3b4c5d6e",
                     *         "secure_access": true,
                     *         "timeout": 0
                     *       },
                     *       "create_time": "20241127T090000Z",
                     *       "extension_info": {
                     *         "site": "pump-station-7"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["Device"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    showDevice: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description IoTDA instance ID (mandatory on IoTDA professional editions). Optional here; accepted because the Huawei Cloud SDKs send it and include it in the AK/SK signature.
                 * @example 7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e
                 */
                "Instance-Id"?: components["parameters"]["InstanceId"];
            };
            path: {
                /**
                 * @description Project (tenant) ID. With AK/SK signing it is also sent as `X-Project-Id`.
                 * @example 0d1b2c3a4e5f60718293a4b5c6d7e8f9
                 */
                project_id: components["parameters"]["ProjectId"];
                /**
                 * @description Device ID, 1 to 128 letters, digits, underscores or hyphens.
                 * @example 65a1f0c2b7e5c94d1a3f2e10_860123456789012
                 */
                device_id: components["parameters"]["DeviceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The device. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "device_id": "65a1f0c2b7e5c94d1a3f2e10_860123456789012",
                     *       "node_id": "860123456789012",
                     *       "gateway_id": "65a1f0c2b7e5c94d1a3f2e10_860123456789012",
                     *       "device_name": "water-meter-0042",
                     *       "node_type": "GATEWAY",
                     *       "description": "Water meter at pump station 7",
                     *       "product_id": "65a1f0c2b7e5c94d1a3f2e10",
                     *       "status": "ONLINE",
                     *       "auth_info": {
                     *         "auth_type": "SECRET",
                     *         "secret": "3f1c9a7b5e2d4c6a8b0e1f2a3b4c5d6e",
                     *         "secure_access": true,
                     *         "timeout": 0
                     *       },
                     *       "create_time": "20241127T090000Z",
                     *       "active_time": "2024-11-27T09:12:41.000Z",
                     *       "connection_status_update_time": "2024-11-27T20:15:02.000Z",
                     *       "extension_info": {
                     *         "site": "pump-station-7"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["Device"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["DeviceNotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    deleteDevice: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description IoTDA instance ID (mandatory on IoTDA professional editions). Optional here; accepted because the Huawei Cloud SDKs send it and include it in the AK/SK signature.
                 * @example 7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e
                 */
                "Instance-Id"?: components["parameters"]["InstanceId"];
            };
            path: {
                /**
                 * @description Project (tenant) ID. With AK/SK signing it is also sent as `X-Project-Id`.
                 * @example 0d1b2c3a4e5f60718293a4b5c6d7e8f9
                 */
                project_id: components["parameters"]["ProjectId"];
                /**
                 * @description Device ID, 1 to 128 letters, digits, underscores or hyphens.
                 * @example 65a1f0c2b7e5c94d1a3f2e10_860123456789012
                 */
                device_id: components["parameters"]["DeviceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The device was deleted. */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["DeviceNotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    listRoutingRules: {
        parameters: {
            query?: {
                /**
                 * @description Only rules whose subject has this resource.
                 * @example device.command.status
                 */
                resource?: components["parameters"]["ResourceFilter"];
                /**
                 * @description Only rules whose subject has this event.
                 * @example update
                 */
                event?: components["parameters"]["EventFilter"];
                /**
                 * @description Only rules or actions of this scope.
                 * @example GLOBAL
                 */
                app_type?: components["parameters"]["AppTypeFilter"];
                /**
                 * @description Only records of this resource space.
                 * @example 8d4a34e5363a49bfa809c6bd788e6ffa
                 */
                app_id?: components["parameters"]["AppIdFilter"];
                /**
                 * @description Only rules with this name.
                 * @example command-status
                 */
                rule_name?: components["parameters"]["RuleNameFilter"];
                /**
                 * @description Only active (`true`) or inactive (`false`) rules.
                 * @example true
                 */
                active?: components["parameters"]["ActiveFilter"];
                /**
                 * @description Page size, 1 to 50 (default 10). A value out of range is refused with 400 IOTDA.000017.
                 * @example 10
                 */
                limit?: components["parameters"]["Limit"];
                /**
                 * @description ID of the last record of the previous page (its `marker`). Records come newest first; only records with a lower ID are returned. Absent (or `ffffffffffffffffffffffff`): start from the newest.
                 * @example ffffffffffffffffffffffff
                 */
                marker?: components["parameters"]["Marker"];
                /**
                 * @description Records to skip after `marker`, 0 to 500 (default 0). Use `marker` to page further.
                 * @example 0
                 */
                offset?: components["parameters"]["Offset"];
            };
            header?: {
                /**
                 * @description IoTDA instance ID (mandatory on IoTDA professional editions). Optional here; accepted because the Huawei Cloud SDKs send it and include it in the AK/SK signature.
                 * @example 7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e
                 */
                "Instance-Id"?: components["parameters"]["InstanceId"];
            };
            path: {
                /**
                 * @description Project (tenant) ID. With AK/SK signing it is also sent as `X-Project-Id`.
                 * @example 0d1b2c3a4e5f60718293a4b5c6d7e8f9
                 */
                project_id: components["parameters"]["ProjectId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of rules. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "rules": [
                     *         {
                     *           "rule_id": "-0ZqsfI00uKNoWQnuQ20oi",
                     *           "rule_name": "command-status",
                     *           "description": "Push async command status changes to the application server",
                     *           "subject": {
                     *             "resource": "device.command.status",
                     *             "event": "update"
                     *           },
                     *           "app_type": "GLOBAL",
                     *           "active": true
                     *         }
                     *       ],
                     *       "count": 1,
                     *       "marker": "-0ZqsfI00uKNoWQnuQ20oi"
                     *     }
                     */
                    "application/json": components["schemas"]["ListRoutingRulesResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    createRoutingRule: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description IoTDA instance ID (mandatory on IoTDA professional editions). Optional here; accepted because the Huawei Cloud SDKs send it and include it in the AK/SK signature.
                 * @example 7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e
                 */
                "Instance-Id"?: components["parameters"]["InstanceId"];
            };
            path: {
                /**
                 * @description Project (tenant) ID. With AK/SK signing it is also sent as `X-Project-Id`.
                 * @example 0d1b2c3a4e5f60718293a4b5c6d7e8f9
                 */
                project_id: components["parameters"]["ProjectId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "rule_name": "command-status",
                 *       "description": "Push async command status changes to the application server",
                 *       "subject": {
                 *         "resource": "device.command.status",
                 *         "event": "update"
                 *       },
                 *       "app_type": "GLOBAL"
                 *     }
                 */
                "application/json": components["schemas"]["CreateRoutingRuleRequest"];
            };
        };
        responses: {
            /** @description The rule was created (inactive). */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "rule_id": "-0ZqsfI00uKNoWQnuQ20oi",
                     *       "rule_name": "command-status",
                     *       "description": "Push async command status changes to the application server",
                     *       "subject": {
                     *         "resource": "device.command.status",
                     *         "event": "update"
                     *       },
                     *       "app_type": "GLOBAL",
                     *       "active": false
                     *     }
                     */
                    "application/json": components["schemas"]["RoutingRule"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    showRoutingRule: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description IoTDA instance ID (mandatory on IoTDA professional editions). Optional here; accepted because the Huawei Cloud SDKs send it and include it in the AK/SK signature.
                 * @example 7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e
                 */
                "Instance-Id"?: components["parameters"]["InstanceId"];
            };
            path: {
                /**
                 * @description Project (tenant) ID. With AK/SK signing it is also sent as `X-Project-Id`.
                 * @example 0d1b2c3a4e5f60718293a4b5c6d7e8f9
                 */
                project_id: components["parameters"]["ProjectId"];
                /**
                 * @description Routing rule ID returned by CreateRoutingRule.
                 * @example -0ZqsfI00uKNoWQnuQ20oi
                 */
                rule_id: components["parameters"]["RuleId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The rule. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "rule_id": "-0ZqsfI00uKNoWQnuQ20oi",
                     *       "rule_name": "command-status",
                     *       "description": "Push async command status changes to the application server",
                     *       "subject": {
                     *         "resource": "device.command.status",
                     *         "event": "update"
                     *       },
                     *       "app_type": "GLOBAL",
                     *       "active": true
                     *     }
                     */
                    "application/json": components["schemas"]["RoutingRule"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["RuleNotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    updateRoutingRule: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description IoTDA instance ID (mandatory on IoTDA professional editions). Optional here; accepted because the Huawei Cloud SDKs send it and include it in the AK/SK signature.
                 * @example 7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e
                 */
                "Instance-Id"?: components["parameters"]["InstanceId"];
            };
            path: {
                /**
                 * @description Project (tenant) ID. With AK/SK signing it is also sent as `X-Project-Id`.
                 * @example 0d1b2c3a4e5f60718293a4b5c6d7e8f9
                 */
                project_id: components["parameters"]["ProjectId"];
                /**
                 * @description Routing rule ID returned by CreateRoutingRule.
                 * @example -0ZqsfI00uKNoWQnuQ20oi
                 */
                rule_id: components["parameters"]["RuleId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "active": true
                 *     }
                 */
                "application/json": components["schemas"]["UpdateRoutingRuleRequest"];
            };
        };
        responses: {
            /** @description The rule after the update. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "rule_id": "-0ZqsfI00uKNoWQnuQ20oi",
                     *       "rule_name": "command-status",
                     *       "description": "Push async command status changes to the application server",
                     *       "subject": {
                     *         "resource": "device.command.status",
                     *         "event": "update"
                     *       },
                     *       "app_type": "GLOBAL",
                     *       "active": true
                     *     }
                     */
                    "application/json": components["schemas"]["RoutingRule"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["RuleNotFound"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    deleteRoutingRule: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description IoTDA instance ID (mandatory on IoTDA professional editions). Optional here; accepted because the Huawei Cloud SDKs send it and include it in the AK/SK signature.
                 * @example 7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e
                 */
                "Instance-Id"?: components["parameters"]["InstanceId"];
            };
            path: {
                /**
                 * @description Project (tenant) ID. With AK/SK signing it is also sent as `X-Project-Id`.
                 * @example 0d1b2c3a4e5f60718293a4b5c6d7e8f9
                 */
                project_id: components["parameters"]["ProjectId"];
                /**
                 * @description Routing rule ID returned by CreateRoutingRule.
                 * @example -0ZqsfI00uKNoWQnuQ20oi
                 */
                rule_id: components["parameters"]["RuleId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The rule and its actions were deleted. */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["RuleNotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    listRuleActions: {
        parameters: {
            query?: {
                /**
                 * @description Only actions of this rule.
                 * @example -0ZqsfI00uKNoWQnuQ20oi
                 */
                rule_id?: components["parameters"]["RuleIdFilter"];
                /**
                 * @description Only actions of this channel.
                 * @example HTTP_FORWARDING
                 */
                channel?: components["parameters"]["ChannelFilter"];
                /**
                 * @description Only rules or actions of this scope.
                 * @example GLOBAL
                 */
                app_type?: components["parameters"]["AppTypeFilter"];
                /**
                 * @description Only records of this resource space.
                 * @example 8d4a34e5363a49bfa809c6bd788e6ffa
                 */
                app_id?: components["parameters"]["AppIdFilter"];
                /**
                 * @description Page size, 1 to 50 (default 10). A value out of range is refused with 400 IOTDA.000017.
                 * @example 10
                 */
                limit?: components["parameters"]["Limit"];
                /**
                 * @description ID of the last record of the previous page (its `marker`). Records come newest first; only records with a lower ID are returned. Absent (or `ffffffffffffffffffffffff`): start from the newest.
                 * @example ffffffffffffffffffffffff
                 */
                marker?: components["parameters"]["Marker"];
                /**
                 * @description Records to skip after `marker`, 0 to 500 (default 0). Use `marker` to page further.
                 * @example 0
                 */
                offset?: components["parameters"]["Offset"];
            };
            header?: {
                /**
                 * @description IoTDA instance ID (mandatory on IoTDA professional editions). Optional here; accepted because the Huawei Cloud SDKs send it and include it in the AK/SK signature.
                 * @example 7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e
                 */
                "Instance-Id"?: components["parameters"]["InstanceId"];
            };
            path: {
                /**
                 * @description Project (tenant) ID. With AK/SK signing it is also sent as `X-Project-Id`.
                 * @example 0d1b2c3a4e5f60718293a4b5c6d7e8f9
                 */
                project_id: components["parameters"]["ProjectId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of actions. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "actions": [
                     *         {
                     *           "action_id": "-0ZqsfPZGv38kmUZw95mkx",
                     *           "rule_id": "-0ZqsfI00uKNoWQnuQ20oi",
                     *           "channel": "HTTP_FORWARDING",
                     *           "channel_detail": {
                     *             "http_forwarding": {
                     *               "url": "http://127.0.0.1:9000/iot/command-status",
                     *               "sni_enable": false,
                     *               "signature_enable": true
                     *             }
                     *           }
                     *         }
                     *       ],
                     *       "count": 1,
                     *       "marker": "-0ZqsfPZGv38kmUZw95mkx"
                     *     }
                     */
                    "application/json": components["schemas"]["ListRuleActionsResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    createRuleAction: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description IoTDA instance ID (mandatory on IoTDA professional editions). Optional here; accepted because the Huawei Cloud SDKs send it and include it in the AK/SK signature.
                 * @example 7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e
                 */
                "Instance-Id"?: components["parameters"]["InstanceId"];
            };
            path: {
                /**
                 * @description Project (tenant) ID. With AK/SK signing it is also sent as `X-Project-Id`.
                 * @example 0d1b2c3a4e5f60718293a4b5c6d7e8f9
                 */
                project_id: components["parameters"]["ProjectId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "rule_id": "-0ZqsfI00uKNoWQnuQ20oi",
                 *       "channel": "HTTP_FORWARDING",
                 *       "channel_detail": {
                 *         "http_forwarding": {
                 *           "url": "http://127.0.0.1:9000/iot/command-status",
                 *           "sni_enable": false,
                 *           "signature_enable": true,
                 *           "token": "Snooze2024Token"
                 *         }
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["CreateRuleActionRequest"];
            };
        };
        responses: {
            /** @description The action was created. */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "action_id": "-0ZqsfPZGv38kmUZw95mkx",
                     *       "rule_id": "-0ZqsfI00uKNoWQnuQ20oi",
                     *       "channel": "HTTP_FORWARDING",
                     *       "channel_detail": {
                     *         "http_forwarding": {
                     *           "url": "http://127.0.0.1:9000/iot/command-status",
                     *           "sni_enable": false,
                     *           "signature_enable": true
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RuleAction"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["RuleNotFound"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    showRuleAction: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description IoTDA instance ID (mandatory on IoTDA professional editions). Optional here; accepted because the Huawei Cloud SDKs send it and include it in the AK/SK signature.
                 * @example 7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e
                 */
                "Instance-Id"?: components["parameters"]["InstanceId"];
            };
            path: {
                /**
                 * @description Project (tenant) ID. With AK/SK signing it is also sent as `X-Project-Id`.
                 * @example 0d1b2c3a4e5f60718293a4b5c6d7e8f9
                 */
                project_id: components["parameters"]["ProjectId"];
                /**
                 * @description Rule action ID returned by CreateRuleAction.
                 * @example -0ZqsfPZGv38kmUZw95mkx
                 */
                action_id: components["parameters"]["ActionId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The action. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "action_id": "-0ZqsfPZGv38kmUZw95mkx",
                     *       "rule_id": "-0ZqsfI00uKNoWQnuQ20oi",
                     *       "channel": "HTTP_FORWARDING",
                     *       "channel_detail": {
                     *         "http_forwarding": {
                     *           "url": "http://127.0.0.1:9000/iot/command-status",
                     *           "sni_enable": false,
                     *           "signature_enable": true
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RuleAction"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["ActionNotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    updateRuleAction: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description IoTDA instance ID (mandatory on IoTDA professional editions). Optional here; accepted because the Huawei Cloud SDKs send it and include it in the AK/SK signature.
                 * @example 7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e
                 */
                "Instance-Id"?: components["parameters"]["InstanceId"];
            };
            path: {
                /**
                 * @description Project (tenant) ID. With AK/SK signing it is also sent as `X-Project-Id`.
                 * @example 0d1b2c3a4e5f60718293a4b5c6d7e8f9
                 */
                project_id: components["parameters"]["ProjectId"];
                /**
                 * @description Rule action ID returned by CreateRuleAction.
                 * @example -0ZqsfPZGv38kmUZw95mkx
                 */
                action_id: components["parameters"]["ActionId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "channel": "HTTP_FORWARDING",
                 *       "channel_detail": {
                 *         "http_forwarding": {
                 *           "url": "http://127.0.0.1:9000/iot/command-status",
                 *           "sni_enable": false,
                 *           "signature_enable": true,
                 *           "token": "Snooze2024Token"
                 *         }
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["UpdateRuleActionRequest"];
            };
        };
        responses: {
            /** @description The action after the update. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "action_id": "-0ZqsfPZGv38kmUZw95mkx",
                     *       "rule_id": "-0ZqsfI00uKNoWQnuQ20oi",
                     *       "channel": "HTTP_FORWARDING",
                     *       "channel_detail": {
                     *         "http_forwarding": {
                     *           "url": "http://127.0.0.1:9000/iot/command-status",
                     *           "sni_enable": false,
                     *           "signature_enable": true
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RuleAction"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["ActionNotFound"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    deleteRuleAction: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description IoTDA instance ID (mandatory on IoTDA professional editions). Optional here; accepted because the Huawei Cloud SDKs send it and include it in the AK/SK signature.
                 * @example 7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e
                 */
                "Instance-Id"?: components["parameters"]["InstanceId"];
            };
            path: {
                /**
                 * @description Project (tenant) ID. With AK/SK signing it is also sent as `X-Project-Id`.
                 * @example 0d1b2c3a4e5f60718293a4b5c6d7e8f9
                 */
                project_id: components["parameters"]["ProjectId"];
                /**
                 * @description Rule action ID returned by CreateRuleAction.
                 * @example -0ZqsfPZGv38kmUZw95mkx
                 */
                action_id: components["parameters"]["ActionId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The action was deleted. */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["ActionNotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
}
