import { ORDER_CHANNELS } from '@pos/domain';

/**
 * [OC8] The OpenAPI 3.1 description of the orders API, served at
 * `GET /_orders/openapi.json`. A test holds the running server to it.
 */

const error = (codes: string) => ({
  type: 'object',
  required: ['error', 'reason'],
  properties: { error: { type: 'string', description: codes }, reason: { type: 'string' } },
});

const fulfilment = {
  oneOf: [
    { type: 'object', required: ['mode'], properties: { mode: { const: 'take-now' } } },
    {
      type: 'object',
      required: ['mode', 'storeId'],
      properties: { mode: { const: 'pickup' }, storeId: { type: 'string' } },
    },
    {
      type: 'object',
      required: ['mode', 'addressId'],
      properties: { mode: { enum: ['ship', 'same-city'] }, addressId: { type: 'string' } },
    },
  ],
};

const customer = {
  oneOf: [
    { type: 'object', required: ['memberId'], properties: { memberId: { type: 'string' } } },
    { type: 'object', required: ['phoneIndex'], properties: { phoneIndex: { type: 'string' } } },
  ],
};

// [OC10] A channel's token may leave the prices out: the server prices the
// lines with the till's engine. An admin token sends them.
const lineIn = {
  type: 'object',
  required: ['lineId', 'sku', 'quantity', 'fulfilment'],
  properties: {
    lineId: { type: 'string' },
    sku: { type: 'string' },
    quantity: { type: 'integer', minimum: 1 },
    unitPrice: {
      type: 'integer',
      description:
        'fen per unit before discounts; required with an admin token, optional with a channel ' +
        'token (the server prices it; one that differs is 409 price_mismatch)',
    },
    net: {
      type: 'integer',
      description:
        'fen the line costs after discounts; required with an admin token, optional with a ' +
        'channel token. Lines of one SKU share the cart line’s net by quantity (whole fen, the ' +
        'rest on the last)',
    },
    fulfilment,
  },
};

const lineOut = {
  ...lineIn,
  properties: {
    ...lineIn.properties,
    pickedUp: { type: 'integer', description: 'units handed over (take-now and pickup lines)' },
    shipped: { type: 'integer', description: 'units handed to a courier (ship, same-city)' },
    cancelled: {
      type: 'integer',
      description: 'units the order gave up, never delivered and refunded ([OD16])',
    },
  },
  required: ['lineId', 'sku', 'quantity', 'unitPrice', 'net', 'fulfilment', 'pickedUp'],
};

const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const orderBody = {
  type: 'object',
  required: ['order'],
  properties: { order: { $ref: '#/components/schemas/Order' } },
};

export const ORDERS_OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'Order center: orders API for the online channels',
    version: '1.0.0',
    description:
      'Orders placed by an online channel. Pickup lines are held on the chosen store’s stock ' +
      'until the hold expires (15 minutes by default) or the order is paid. Ship and ' +
      'same-city lines (one address per mode) are routed to the locations with stock nearest ' +
      'the address and held there; once paid they become parcels.',
  },
  components: {
    // [OS8] A channel token places and reads its own channel's orders; HQ's admin token any.
    securitySchemes: {
      channelToken: {
        type: 'http',
        scheme: 'bearer',
        description:
          'the online channel’s token (issued by HQ: `sync-server issue-channel-token` or ' +
          '`POST /_admin/channel-tokens`): places orders of its channel and reads them, nothing else',
      },
      adminToken: { type: 'http', scheme: 'bearer', description: 'an HQ admin token: any order' },
    },
    schemas: {
      PlaceOrder: {
        type: 'object',
        required: ['channel', 'customer', 'lines'],
        properties: {
          channel: { enum: [...ORDER_CHANNELS] },
          customer,
          lines: { type: 'array', minItems: 1, maxItems: 100, items: lineIn },
          total: {
            type: 'integer',
            description:
              'fen: the sum of the lines’ net; required with an admin token, optional with a ' +
              'channel token (the server’s total)',
          },
        },
      },
      Order: {
        type: 'object',
        required: ['id', 'channel', 'customer', 'lines', 'total', 'status', 'placedAt'],
        properties: {
          id: { type: 'string', pattern: '^ORD-[0-9A-F-]{36}$' },
          channel: { type: 'string' },
          customer,
          lines: {
            type: 'array',
            items: lineOut,
          },
          total: { type: 'integer' },
          status: {
            enum: [
              'placed',
              'held',
              'paid',
              'ready',
              'partly-picked-up',
              'picked-up',
              'cancelled',
              'expired',
              'refunded',
              'closed',
              'partly-shipped',
              'shipped',
            ],
          },
          placedAt: { type: 'string', format: 'date-time' },
          holdExpiresAt: { type: 'string', format: 'date-time' },
          paidAt: { type: 'string', format: 'date-time' },
          pickupDeadline: { type: 'string', format: 'date-time' },
          closedAt: { type: 'string', format: 'date-time' },
          allocations: {
            type: 'array',
            description:
              'where each ship and same-city line’s units come from: a location and the parcel ' +
              '(shipment) they travel in',
            items: {
              type: 'object',
              required: ['lineId', 'locationId', 'shipmentId', 'quantity', 'short', 'shipped'],
              properties: {
                lineId: { type: 'string' },
                locationId: { type: 'string' },
                shipmentId: { type: 'string' },
                quantity: { type: 'integer' },
                short: { type: 'integer' },
                shipped: { type: 'integer' },
              },
            },
          },
          routing: {
            type: 'array',
            description:
              'each routing decision, for people to read: the candidates, why some were not ' +
              'eligible, the chosen plan and the rule that decided it',
            items: {
              type: 'object',
              required: ['mode', 'at', 'candidates', 'ineligible'],
              properties: {
                mode: { enum: ['ship', 'same-city'] },
                at: { type: 'string', format: 'date-time' },
                candidates: { type: 'array', items: { type: 'object' } },
                ineligible: { type: 'object' },
                chosen: { type: 'object' },
                runnerUp: { type: 'object' },
                decidedBy: { type: 'string' },
                rule: { type: 'string' },
              },
            },
          },
        },
      },
      Shipment: {
        type: 'object',
        description: 'a parcel (or same-city courier run) with units of the order',
        required: ['shipmentId', 'locationId', 'mode', 'status', 'carrier', 'trackingNo', 'lines'],
        properties: {
          shipmentId: { type: 'string' },
          locationId: { type: 'string' },
          mode: { enum: ['ship', 'same-city'] },
          status: { enum: ['open', 'packed', 'handed-over', 'cancelled'] },
          carrier: { type: 'string' },
          trackingNo: { type: 'string' },
          window: {
            type: 'object',
            required: ['from', 'to'],
            properties: {
              from: { type: 'string', format: 'date-time' },
              to: { type: 'string', format: 'date-time' },
            },
          },
          lines: {
            type: 'array',
            items: {
              type: 'object',
              required: ['lineId', 'sku', 'name', 'quantity'],
              properties: {
                lineId: { type: 'string' },
                sku: { type: 'string' },
                name: { type: 'string' },
                quantity: { type: 'integer' },
              },
            },
          },
        },
      },
      NotRoutable: {
        type: 'object',
        description: 'no eligible location can supply the ship or same-city lines; nothing stored',
        required: ['error', 'code', 'reason', 'short'],
        properties: {
          error: { const: 'not_routable' },
          code: { const: 'NOT_ROUTABLE' },
          reason: { type: 'string' },
          short: {
            type: 'array',
            items: {
              type: 'object',
              required: ['mode', 'sku', 'requested', 'available'],
              properties: {
                mode: { enum: ['ship', 'same-city'] },
                sku: { type: 'string' },
                requested: { type: 'integer' },
                available: { type: 'integer' },
              },
            },
          },
        },
      },
      OutOfStock: {
        type: 'object',
        required: ['error', 'reason', 'lines'],
        properties: {
          error: { const: 'out_of_stock' },
          reason: { type: 'string' },
          lines: {
            type: 'array',
            items: {
              type: 'object',
              required: ['lineId', 'storeId', 'sku', 'requested', 'available'],
              properties: {
                lineId: { type: 'string' },
                storeId: { type: 'string' },
                sku: { type: 'string' },
                requested: { type: 'integer' },
                available: { type: 'integer' },
              },
            },
          },
        },
      },
      PriceMismatch: {
        type: 'object',
        description:
          'a channel sent prices that are not the server’s: each differing line, what was sent ' +
          'and the server’s price, and the server’s total; nothing stored',
        required: ['error', 'code', 'reason', 'lines', 'total'],
        properties: {
          error: { const: 'price_mismatch' },
          code: { const: 'PRICE_MISMATCH' },
          reason: { type: 'string' },
          lines: {
            type: 'array',
            items: {
              type: 'object',
              required: ['lineId', 'sku', 'sent', 'unitPrice', 'net'],
              properties: {
                lineId: { type: 'string' },
                sku: { type: 'string' },
                sent: {
                  type: 'object',
                  properties: { unitPrice: { type: 'integer' }, net: { type: 'integer' } },
                },
                unitPrice: { type: 'integer', description: 'the server’s' },
                net: { type: 'integer', description: 'the server’s' },
              },
            },
          },
          total: { type: 'integer', description: 'the server’s total' },
          sentTotal: { type: 'integer' },
        },
      },
      Error: error('bad_request, unauthorized, forbidden, not_found, idempotency_key_reused, …'),
    },
  },
  security: [{ channelToken: [] }, { adminToken: [] }],
  paths: {
    '/_orders': {
      post: {
        operationId: 'placeOrder',
        summary: 'Place an order and hold its pickup lines',
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: true,
            description: 'the client’s key for this placement; a retry sends the same one',
            schema: { type: 'string', minLength: 1, maxLength: 200 },
          },
        ],
        requestBody: { required: true, ...json({ $ref: '#/components/schemas/PlaceOrder' }) },
        responses: {
          '201': { description: 'the order, placed and held', ...json(orderBody) },
          '200': {
            description: 'a retry with the same key and body: the first order',
            ...json(orderBody),
          },
          '400': {
            description: 'an invalid body or key; nothing stored',
            ...json({ $ref: '#/components/schemas/Error' }),
          },
          '401': { description: 'no valid token', ...json({ $ref: '#/components/schemas/Error' }) },
          '403': {
            description: 'the order’s channel is not the token’s, or a store device’s token',
            ...json({ $ref: '#/components/schemas/Error' }),
          },
          '409': {
            description:
              'out of stock (names each short line and what is available), not routable ' +
              '(names each SKU short), a channel’s prices that are not the server’s, or the key ' +
              'was used for another body',
            ...json({
              oneOf: [
                { $ref: '#/components/schemas/OutOfStock' },
                { $ref: '#/components/schemas/NotRoutable' },
                { $ref: '#/components/schemas/PriceMismatch' },
                { $ref: '#/components/schemas/Error' },
              ],
            }),
          },
        },
      },
    },
    '/_orders/{id}': {
      get: {
        operationId: 'getOrder',
        summary: 'Read an order',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': {
            description: 'the order and its parcels',
            ...json({
              type: 'object',
              required: ['order', 'shipments'],
              properties: {
                order: { $ref: '#/components/schemas/Order' },
                shipments: { type: 'array', items: { $ref: '#/components/schemas/Shipment' } },
              },
            }),
          },
          '401': { description: 'no valid token', ...json({ $ref: '#/components/schemas/Error' }) },
          '404': {
            description: 'no such order, or one of another channel',
            ...json({ $ref: '#/components/schemas/Error' }),
          },
        },
      },
    },
  },
} as const;
