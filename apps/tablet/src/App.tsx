/**
 * The tablet's screens: sign-in, find a product, its stock here and across
 * the chain, the customer's cart, orders and their pay QR, the pickup desk,
 * the clerk's own sales, the fitting rooms, a customer's tried items with
 * suggestions, and counts. They render what the Tablet's use cases return
 * [TA1]; scans from the hub's scanner and RFID reader open a product (or,
 * at the pickup desk, the customer's order; on the count screen tags go to
 * the count [TA12]).
 */
import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import type {
  ClerkCart,
  ClerkCustomer,
  ClerkFound,
  ClerkLineMode,
  ClerkSubmitted,
  FittingRoomNow,
  PickupDraft,
  QueuedOrder,
} from '@pos/app-core';
import type { Staff } from '@pos/domain';
import type { TagRead } from '@pos/hardware/protocol';
import { LocaleProvider, zoneOfOffset, type Language } from '@pos/ui';
import type { Tablet } from './tablet';
import './styles.css';
import { CartScreen } from './screens/CartScreen';
import { CountScreen } from './screens/CountScreen';
import { FittingRoomsScreen } from './screens/FittingRoomsScreen';
import { FindScreen, type FindState } from './screens/FindScreen';
import { OrdersScreen } from './screens/OrdersScreen';
import { PickupScreen } from './screens/PickupScreen';
import { ProductScreen } from './screens/ProductScreen';
import { SalesScreen } from './screens/SalesScreen';
import { SentScreen } from './screens/SentScreen';
import { SignInScreen } from './screens/SignInScreen';
import { StatusLine, type StatusFigures } from './screens/StatusLine';
import { TransfersScreen } from './screens/TransfersScreen';
import { TriedItemsScreen } from './screens/TriedItemsScreen';
import { cartUnits, otherLanguage, queueAttention } from './screens/view';
import { noteOfRefusal, useWords, type ScreenNote } from './screens/words';

const LANGUAGE_KEY = 'tablet.language';

type Tab =
  | 'find'
  | 'product'
  | 'cart'
  | 'sent'
  | 'orders'
  | 'sales'
  | 'pickup'
  | 'fitting'
  | 'tried'
  | 'count'
  | 'transfers';

/** [TA12] Screens on which a tag read does not open its product. */
const TAGS_STAY_ON: ReadonlySet<Tab> = new Set<Tab>([
  'pickup',
  'fitting',
  'tried',
  'count',
  'transfers',
]);

function storedLanguage(): Language {
  try {
    return localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export function App({ tablet }: { tablet: Tablet }) {
  const [language, setLanguage] = useState<Language>(storedLanguage);
  const switchLanguage = () => {
    const next = otherLanguage(language).language;
    setLanguage(next);
    try {
      localStorage.setItem(LANGUAGE_KEY, next);
    } catch {
      // A private window keeps no settings: the switch holds for this visit.
    }
  };
  return (
    <LocaleProvider
      locale={{
        language,
        currency: 'CNY',
        timeZone: zoneOfOffset(tablet.config.utcOffsetMinutes),
      }}
    >
      <div className="tablet" lang={language}>
        <Screens
          tablet={tablet}
          languageLabel={otherLanguage(language).label}
          onLanguage={switchLanguage}
        />
      </div>
    </LocaleProvider>
  );
}

/** The sync and hub figures for the status line, kept current by their watchers. */
function useStatus(tablet: Tablet): StatusFigures {
  const read = useCallback(
    (): StatusFigures => ({
      online: tablet.sync.online(),
      waiting: tablet.sync.waiting(),
      lastSync: tablet.sync.lastSync(),
      hub: tablet.hub ? (tablet.hub.connected() ? 'connected' : 'disconnected') : 'none',
    }),
    [tablet],
  );
  const [status, setStatus] = useState(read);
  useEffect(() => {
    const update = () => setStatus(read());
    const stops = [tablet.sync.watch(update), tablet.hub?.onConnection(update) ?? (() => {})];
    update();
    return () => stops.forEach((stop) => stop());
  }, [tablet, read]);
  return status;
}

function Screens(props: { tablet: Tablet; languageLabel: string; onLanguage(): void }) {
  const { tablet } = props;
  const t = useWords();
  const status = useStatus(tablet);
  const [staff, setStaff] = useState<Staff | null>(null);
  const [tab, setTab] = useState<Tab>('find');
  const [findState, setFindState] = useState<FindState>({ query: '', results: null, note: null });
  const [finding, setFinding] = useState(false);
  const [found, setFound] = useState<ClerkFound | null>(null);
  const [cart, setCart] = useState<ClerkCart | null>(null);
  const [sent, setSent] = useState<ClerkSubmitted | null>(null);
  const [queue, setQueue] = useState<QueuedOrder[]>([]);
  const [pickup, setPickup] = useState<{ draft: PickupDraft | null; note: ScreenNote | null }>({
    draft: null,
    note: null,
  });
  // [TA10] Members linked to rooms on this tablet, and the customer the tried-items screen shows.
  const [linked, setLinked] = useState<Record<string, ClerkCustomer>>({});
  const [tried, setTried] = useState<{
    customer: ClerkCustomer | null;
    room: FittingRoomNow | null;
  }>({ customer: null, room: null });

  const [countsWaiting, setCountsWaiting] = useState(0);
  // [TA15] Transfer steps confirmed and waiting for the network.
  const [stepsWaiting, setStepsWaiting] = useState(0);
  const refreshQueue = useCallback(() => {
    void tablet.clerk.queue().then(setQueue);
    void tablet.counts
      .counts()
      .then((all) => setCountsWaiting(all.filter((c) => c.state === 'waiting').length));
    void tablet.transfers
      .steps()
      .then((all) => setStepsWaiting(all.filter((s) => s.state === 'waiting').length));
  }, [tablet]);
  useEffect(() => {
    if (!staff) return undefined;
    refreshQueue();
    return tablet.sync.watch(refreshQueue);
  }, [tablet, staff, refreshQueue]);

  const find = useCallback(
    (text: string) => {
      setFinding(true);
      setTab('find');
      void tablet.clerk
        .find(text)
        .then((outcome) => {
          if (!outcome.ok) {
            setFindState({ query: text, results: null, note: noteOfRefusal(outcome) });
          } else if (outcome.value.length === 1) {
            setFindState({ query: text, results: outcome.value, note: null });
            setFound(outcome.value[0]!);
            setTab('product');
          } else {
            setFindState({ query: text, results: outcome.value, note: null });
          }
        })
        .finally(() => setFinding(false));
    },
    [tablet],
  );

  // Scans from the hub's scanners and tags from its RFID reader: at the pickup desk a
  // pickup QR opens the customer's order; anywhere else the code finds a product.
  const scanned = useEffectEvent((code: string) => {
    // [TA14] The transfers screen listens to the scanner itself: each code goes to its step.
    if (tab === 'transfers') return;
    if (tab === 'pickup') {
      void tablet.pickup.openByQr(code).then((outcome) => {
        if (outcome === null) find(code);
        else if (outcome.ok) setPickup({ draft: outcome.value, note: null });
        else setPickup({ draft: null, note: noteOfRefusal(outcome) });
      });
    } else find(code);
  });
  // [TA12] On the floor's screens (fitting rooms, tried items, counts) the readers' tags
  // are the screen's own: they never open a product there.
  const tagRead = useEffectEvent((read: TagRead) => {
    if (!TAGS_STAY_ON.has(tab)) find(read.gtin ?? read.epc);
  });
  useEffect(() => {
    if (!staff || !tablet.hub) return undefined;
    const stops = [
      tablet.hub.onScan((code) => scanned(code)),
      tablet.hub.onTagRead((read) => tagRead(read)),
    ];
    return () => stops.forEach((stop) => stop());
  }, [tablet, staff]);

  const signOut = () => {
    tablet.session.signOut();
    setStaff(null);
    setCart(null);
    setFound(null);
    setSent(null);
    setFindState({ query: '', results: null, note: null });
    setPickup({ draft: null, note: null });
    setLinked({});
    setTried({ customer: null, room: null });
    setTab('find');
  };

  // Orders and counts waiting for the network wait to go up as much as the facts do.
  const queued = queue.filter((q) => q.state === 'queued').length + countsWaiting + stepsWaiting;
  const statusLine = (
    <StatusLine
      storeName={tablet.config.storeName}
      staff={staff}
      status={{ ...status, waiting: status.waiting + queued }}
      languageLabel={props.languageLabel}
      onLanguage={props.onLanguage}
      onSignOut={signOut}
    />
  );

  if (!staff) {
    return (
      <>
        {statusLine}
        <SignInScreen
          tablet={tablet}
          onSignedIn={(who) => {
            setStaff(who);
            setCart(tablet.clerk.newCart());
          }}
        />
      </>
    );
  }
  const theCart = cart ?? tablet.clerk.newCart();
  const onAdd = (item: ClerkFound, quantity: number, fulfilment: ClerkLineMode) => {
    const outcome = tablet.clerk.addLine(theCart, item, quantity, fulfilment);
    if (outcome.ok) setCart(outcome.value);
    return outcome;
  };
  const units = cartUnits(theCart);
  const attention = queueAttention(queue);
  const tabs: { id: Tab; label: string; hidden?: boolean }[] = [
    { id: 'find', label: t('Find') },
    { id: 'product', label: t('Product'), hidden: !found },
    { id: 'cart', label: units ? t('Cart ({n})', { n: units }) : t('Cart') },
    { id: 'sent', label: t('Sent'), hidden: !sent },
    { id: 'orders', label: attention ? t('Orders ({n})', { n: attention }) : t('Orders') },
    { id: 'sales', label: t('My sales') },
    { id: 'pickup', label: t('Pickup') },
    { id: 'fitting', label: t('Fitting rooms') },
    { id: 'tried', label: t('Tried & suggestions') },
    { id: 'count', label: t('Count') },
    {
      id: 'transfers',
      label: stepsWaiting ? t('Transfers ({n})', { n: stepsWaiting }) : t('Transfers'),
    },
  ];

  return (
    <>
      {statusLine}
      <nav className="tabs" aria-label="Screens">
        {tabs
          .filter((x) => !x.hidden)
          .map((x) => (
            <button
              key={x.id}
              type="button"
              data-tab={x.id}
              className={tab === x.id ? 'tab on' : 'tab'}
              aria-current={tab === x.id ? 'page' : undefined}
              onClick={() => setTab(x.id)}
            >
              {x.label}
            </button>
          ))}
      </nav>
      {tab === 'find' && (
        <FindScreen
          tablet={tablet}
          state={findState}
          busy={finding}
          onFind={find}
          onOpen={(item) => {
            setFound(item);
            setTab('product');
          }}
        />
      )}
      {tab === 'product' && found && (
        <ProductScreen
          tablet={tablet}
          found={found}
          cart={theCart}
          online={status.online}
          onSelect={setFound}
          onAdd={onAdd}
        />
      )}
      {tab === 'cart' && (
        <CartScreen
          tablet={tablet}
          cart={theCart}
          onCart={setCart}
          onFind={() => setTab('find')}
          onSent={(result) => {
            setSent(result);
            setCart(tablet.clerk.newCart());
            setTab('sent');
            refreshQueue();
          }}
        />
      )}
      {tab === 'sent' && sent && (
        <SentScreen
          tablet={tablet}
          sent={sent}
          onOrders={() => setTab('orders')}
          onNewCart={() => {
            setSent(null);
            setFound(null);
            setFindState({ query: '', results: null, note: null });
            setTab('find');
          }}
        />
      )}
      {tab === 'orders' && <OrdersScreen tablet={tablet} onQueue={setQueue} />}
      {tab === 'sales' && <SalesScreen tablet={tablet} staff={staff} online={status.online} />}
      {tab === 'pickup' && (
        <PickupScreen
          tablet={tablet}
          draft={pickup.draft}
          note={pickup.note}
          onDraft={(draft, note) => setPickup({ draft, note })}
        />
      )}
      {tab === 'fitting' && (
        <FittingRoomsScreen
          tablet={tablet}
          linked={linked}
          onLinked={(room, customer) => setLinked((l) => ({ ...l, [room]: customer }))}
          onSuggestions={(room) => {
            setTried({ customer: linked[room.room.id] ?? null, room });
            setTab('tried');
          }}
          onTried={(customer, room) => {
            setTried({ customer, room });
            setTab('tried');
          }}
        />
      )}
      {tab === 'tried' && (
        <TriedItemsScreen
          tablet={tablet}
          customer={tried.customer}
          room={tried.room}
          online={status.online}
          onCustomer={(customer) => setTried({ customer, room: null })}
        />
      )}
      {tab === 'count' && (
        <CountScreen tablet={tablet} online={status.online} onCounts={refreshQueue} />
      )}
      {tab === 'transfers' && <TransfersScreen tablet={tablet} onSteps={refreshQueue} />}
    </>
  );
}
