/**
 * The online shop's screens, phone-sized: the catalog and search, a product
 * with the stores near the customer, the shopping bag with the stores that
 * can promise all of it, sign-in by SMS code, an order for pickup with its
 * hold's countdown, pay, and the pickup code with its QR.
 * Routes live in the URL's hash so a reload stays on the screen.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { LocaleProvider, Qr, useLocale, useMoney, type Language } from '@pos/ui';
import { orderNumber, regionChildren, type Region } from '@pos/domain';
import {
  api,
  sessionToken,
  setSessionToken,
  ShopApiError,
  type BagStore,
  type Campaign,
  type City,
  type Me,
  type ShopCoupon,
  type ShopOrder,
  type ShopProduct,
  type ShopStore,
  type ShortLine,
  type Where,
  type DeliveryQuote,
  type ShopAddress,
} from './api';
import { useBag, type Bag } from './bag';
import { say, statusText } from './messages';

const LANGUAGE_KEY = 'shop.language';

function useRoute(): [string, (to: string) => void] {
  const [hash, setHash] = useState(() => window.location.hash || '#/');
  useEffect(() => {
    const onChange = () => setHash(window.location.hash || '#/');
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const go = useCallback((to: string) => {
    window.location.hash = to;
  }, []);
  return [hash.slice(1), go];
}

function useSay(): (text: string, values?: Record<string, string | number>) => string {
  const { language } = useLocale();
  return (text, values) => say(language, text, values);
}

/** The current time, once a second. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Products seen in the catalog, so a product screen opens without another search. */
const seenProducts = new Map<string, ShopProduct>();

export function App() {
  const [language, setLanguage] = useState<Language>(() =>
    localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'zh-CN',
  );
  const [route, go] = useRoute();
  const [signedIn, setSignedIn] = useState(() => sessionToken() !== null);
  const bag = useBag();
  useEffect(() => {
    localStorage.setItem(LANGUAGE_KEY, language);
    document.documentElement.lang = language;
  }, [language]);
  const locale = useMemo(
    () => ({ language, currency: 'CNY', timeZone: 'Asia/Shanghai' }),
    [language],
  );
  const [path = '/', query = ''] = route.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  let screen: ReactNode;
  if (parts[0] === 'product' && parts[1]) {
    screen = <ProductScreen key={parts[1]} sku={parts[1]} go={go} signedIn={signedIn} bag={bag} />;
  } else if (parts[0] === 'bag') {
    screen = <BagScreen go={go} signedIn={signedIn} bag={bag} />;
  } else if (parts[0] === 'signin') {
    const next = new URLSearchParams(query).get('next') ?? '/me';
    screen = (
      <SignInScreen
        onSignedIn={() => {
          setSignedIn(true);
          go(next);
        }}
      />
    );
  } else if (parts[0] === 'addresses') {
    const next = new URLSearchParams(query).get('next') ?? '/me';
    screen = signedIn ? (
      <AddressesScreen go={go} next={next} />
    ) : (
      <SignInScreen onSignedIn={() => setSignedIn(true)} />
    );
  } else if (parts[0] === 'orders' && parts[1]) {
    screen = <OrderScreen id={parts[1]} go={go} />;
  } else if (parts[0] === 'me') {
    screen = signedIn ? (
      <MeScreen
        go={go}
        onSignOut={() => {
          setSessionToken(null);
          setSignedIn(false);
          go('/');
        }}
      />
    ) : (
      <SignInScreen
        onSignedIn={() => {
          setSignedIn(true);
        }}
      />
    );
  } else {
    screen = <CatalogScreen go={go} />;
  }
  return (
    <LocaleProvider locale={locale}>
      <div className="app">
        <header className="top">
          <button className="brand" onClick={() => go('/')}>
            Storefront <span>{say(language, 'Online shop')}</span>
          </button>
          <button
            className="lang"
            data-testid="language"
            onClick={() => setLanguage(language === 'zh-CN' ? 'en' : 'zh-CN')}
          >
            {language === 'zh-CN' ? 'EN' : '中文'}
          </button>
          <button
            className="bag-button"
            data-testid="bag"
            data-count={bag.count}
            aria-label={say(language, 'Bag: {n} items', { n: bag.count })}
            onClick={() => go('/bag')}
          >
            <BagIcon />
            {bag.count > 0 && (
              <span className="bag-count" data-testid="bag-count">
                {bag.count > 99 ? '99+' : bag.count}
              </span>
            )}
          </button>
          <button className="account" data-testid="account" onClick={() => go('/me')}>
            {say(language, signedIn ? 'Account' : 'Sign in')}
          </button>
        </header>
        <main>{screen}</main>
      </div>
    </LocaleProvider>
  );
}

function BagIcon() {
  return (
    <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
      <path
        d="M5 8h14l-1 12.5H6L5 8Z"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinejoin="round"
      />
      <path
        d="M9 10V6.5a3 3 0 0 1 6 0V10"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinecap="round"
      />
    </svg>
  );
}

function Problem({ text }: { text: string | null }) {
  return text ? (
    <p className="problem" role="alert">
      {text}
    </p>
  ) : null;
}

function CatalogScreen({ go }: { go: (to: string) => void }) {
  const t = useSay();
  const money = useMoney();
  const [q, setQ] = useState('');
  const [products, setProducts] = useState<ShopProduct[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      api
        .catalog(q)
        .then(({ products: found }) => {
          if (!live) return;
          for (const p of found) seenProducts.set(p.sku, p);
          setProducts(found);
          setProblem(null);
        })
        .catch(
          (error: unknown) =>
            live && setProblem(t('Something went wrong: {reason}', { reason: errorText(error) })),
        );
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q]);
  return (
    <section>
      <input
        className="search"
        type="search"
        data-testid="search"
        placeholder={t('Search products')}
        aria-label={t('Search')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      <Problem text={problem} />
      {products === null ? (
        <p className="muted">{t('Loading…')}</p>
      ) : products.length === 0 ? (
        <p className="muted">{t('No products found')}</p>
      ) : (
        <ul className="products">
          {products.map((p) => (
            <li key={p.sku}>
              <button data-testid={`product-${p.sku}`} onClick={() => go(`/product/${p.sku}`)}>
                <span className="name">{p.name}</span>
                <span className="price">{money(p.price)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

type Located = Where | 'locating' | 'none';

/** Where the customer is: the browser's location when shared, else the city they pick. */
function useWhere(): [Located, (where: Located) => void] {
  const [where, setWhere] = useState<Located>(() =>
    'geolocation' in navigator ? 'locating' : 'none',
  );
  useEffect(() => {
    if (!('geolocation' in navigator)) return;
    navigator.geolocation.getCurrentPosition(
      (position) => setWhere({ lat: position.coords.latitude, lng: position.coords.longitude }),
      () => setWhere('none'),
      { timeout: 5000, maximumAge: 600_000 },
    );
  }, []);
  return [where, setWhere];
}

/** The stores' heading, and the city picker when the location is not shared. */
function StoresWhere({
  where,
  setWhere,
  cities,
}: {
  where: Located;
  setWhere: (where: Located) => void;
  cities: City[];
}) {
  const t = useSay();
  const { language } = useLocale();
  const byCity = where === 'none' || (typeof where === 'object' && 'city' in where);
  return (
    <>
      <h2>{byCity ? t('Stores in') : t('Stores near you')}</h2>
      {where === 'locating' && <p className="muted">{t('Finding your location…')}</p>}
      {byCity && (
        <label className="city">
          <span>{t('Location not shared: choose a city')}</span>
          <select
            data-testid="city"
            value={typeof where === 'object' && 'city' in where ? where.city : ''}
            onChange={(e) => setWhere(e.target.value ? { city: e.target.value } : 'none')}
          >
            <option value="">{t('Choose a city')}</option>
            {cities.map((c) => (
              <option key={c.city} value={c.city}>
                {language === 'zh-CN' ? c.city : c.cityEn}
              </option>
            ))}
          </select>
        </label>
      )}
    </>
  );
}

function distanceText(t: ReturnType<typeof useSay>, metres: number | null): string | null {
  if (metres === null) return null;
  return metres < 1000
    ? t('{m} m away', { m: Math.round(metres / 10) * 10 })
    : t('{km} km away', { km: (metres / 1000).toFixed(1) });
}

function ProductScreen({
  sku,
  go,
  signedIn,
  bag,
}: {
  sku: string;
  go: (to: string) => void;
  signedIn: boolean;
  bag: Bag;
}) {
  const t = useSay();
  const money = useMoney();
  const [product, setProduct] = useState<ShopProduct | null>(seenProducts.get(sku) ?? null);
  const [where, setWhere] = useWhere();
  const [added, setAdded] = useState<number | null>(null);
  const [stores, setStores] = useState<ShopStore[] | null>(null);
  const [cities, setCities] = useState<City[]>([]);
  const [storeId, setStoreId] = useState<string | null>(null);
  const [quantity, setQuantity] = useState(1);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const coupons = useMemberCoupons(signedIn);
  const [using, setUsing] = useState<string[]>([]);
  const key = useRef<string | null>(null);

  // Another quantity, store or choice of coupons is another order: a key of its own.
  const usingKey = using.join(',');
  useEffect(() => {
    key.current = null;
  }, [quantity, storeId, usingKey]);

  useEffect(() => {
    if (product) return;
    api
      .catalog('')
      .then(({ products }) => {
        for (const p of products) seenProducts.set(p.sku, p);
        setProduct(seenProducts.get(sku) ?? null);
      })
      .catch((error: unknown) => setProblem(errorText(error)));
  }, [product, sku]);

  useEffect(() => {
    if (where === 'locating') return;
    let live = true;
    api
      .stores(sku, where === 'none' ? null : where)
      .then((found) => {
        if (!live) return;
        setStores(found.stores);
        setCities(found.cities);
        setStoreId((chosen) => chosen ?? found.stores.find((s) => s.atp > 0)?.id ?? null);
      })
      .catch((error: unknown) => live && setProblem(errorText(error)));
    return () => {
      live = false;
    };
  }, [sku, where]);

  async function order() {
    if (!storeId) return;
    if (!signedIn) {
      go(`/signin?next=${encodeURIComponent(`/product/${sku}`)}`);
      return;
    }
    setBusy(true);
    setProblem(null);
    key.current ??= crypto.randomUUID();
    try {
      const placed = await api.placeOrder(storeId, [{ sku, quantity }], key.current, using);
      key.current = null;
      go(`/orders/${placed.order.id}`);
    } catch (error) {
      if (
        error instanceof ShopApiError &&
        error.status === 409 &&
        typeof error.body.couponId === 'string'
      ) {
        key.current = null;
        const coupon = coupons.find((c) => c.id === error.body.couponId);
        setProblem(couponProblem(t, money, coupon, String(error.body.code ?? '')));
      } else if (
        error instanceof ShopApiError &&
        error.status === 409 &&
        Array.isArray(error.body.lines)
      ) {
        key.current = null;
        const short = (error.body.lines as ShortLine[])[0];
        setProblem(t('Only {n} left at this store', { n: short?.available ?? 0 }));
      } else if (error instanceof ShopApiError && error.status === 401) {
        go(`/signin?next=${encodeURIComponent(`/product/${sku}`)}`);
      } else {
        setProblem(t('Something went wrong: {reason}', { reason: errorText(error) }));
      }
    } finally {
      setBusy(false);
    }
  }

  const chosen = stores?.find((s) => s.id === storeId);
  return (
    <section className="product" data-sku={sku}>
      <button className="back" onClick={() => go('/')}>
        ‹ {t('Catalog')}
      </button>
      {product ? (
        <>
          <h1 data-testid="product-name">{product.name}</h1>
          <p className="big-price">{money(product.price)}</p>
        </>
      ) : (
        <p className="muted">{t('Loading…')}</p>
      )}
      <div className="quantity">
        <span>{t('Quantity')}</span>
        <button aria-label="−" onClick={() => setQuantity((q) => Math.max(1, q - 1))}>
          −
        </button>
        <output data-testid="quantity">{quantity}</output>
        <button aria-label="+" onClick={() => setQuantity((q) => Math.min(99, q + 1))}>
          +
        </button>
      </div>
      <button
        className="secondary add-to-bag"
        data-testid="add-to-bag"
        disabled={!product || !bag.canAdd(sku)}
        onClick={() => {
          if (!product) return;
          bag.add(product, quantity);
          setAdded(quantity);
        }}
      >
        {t('Add to bag')}
      </button>
      {added !== null && (
        <p className="added" data-testid="added" role="status">
          <span>{t('Added {n} to your bag', { n: added })}</span>
          <button className="link" data-testid="view-bag" onClick={() => go('/bag')}>
            {t('View bag')} ›
          </button>
        </p>
      )}
      {product && !bag.canAdd(sku) && (
        <p className="muted">{t('Your bag is full: order it first')}</p>
      )}
      <StoresWhere where={where} setWhere={setWhere} cities={cities} />
      <ul className="stores" data-testid="stores">
        {stores?.map((s) => (
          <li key={s.id}>
            <button
              data-testid={`store-${s.id}`}
              className={s.id === storeId ? 'store chosen' : 'store'}
              aria-pressed={s.id === storeId}
              disabled={s.atp === 0}
              onClick={() => setStoreId(s.id)}
            >
              <span className="store-name">{s.name}</span>
              <span className="store-address">{s.address}</span>
              <span className="store-facts">
                <span className={s.atp > 0 ? 'atp' : 'atp none'} data-testid={`atp-${s.id}`}>
                  {s.atp > 0 ? t('In stock: {n}', { n: s.atp }) : t('Out of stock')}
                </span>
                {s.distanceMetres !== null && (
                  <span className="distance" data-testid={`distance-${s.id}`}>
                    {distanceText(t, s.distanceMetres)}
                  </span>
                )}
              </span>
            </button>
          </li>
        ))}
      </ul>
      <CouponChooser coupons={coupons} using={using} setUsing={setUsing} />
      <Problem text={problem} />
      {!signedIn && <p className="muted">{t('Sign in to order for pickup')}</p>}
      <button
        className="primary"
        data-testid="order"
        disabled={!chosen || chosen.atp < quantity || busy}
        onClick={() => void order()}
      >
        {chosen ? t('Order for pickup here') : t('Choose a store')}
        {product && chosen ? ` · ${money(product.price * quantity)}` : ''}
      </button>
    </section>
  );
}

/** The signed-in member's coupons still to use, to choose from; the server prices them. */
function useMemberCoupons(signedIn: boolean): ShopCoupon[] {
  const [coupons, setCoupons] = useState<ShopCoupon[]>([]);
  useEffect(() => {
    if (!signedIn) return;
    let live = true;
    api
      .me()
      .then((me) => {
        if (!live) return;
        setCoupons(me.coupons.filter((c) => c.status === 'issued' && me.now < c.validTo));
      })
      .catch(() => live && setCoupons([]));
    return () => {
      live = false;
    };
  }, [signedIn]);
  return coupons;
}

/** The member's coupons to use on the order: one or more, as the server's engine allows. */
function CouponChooser({
  coupons,
  using,
  setUsing,
}: {
  coupons: readonly ShopCoupon[];
  using: readonly string[];
  setUsing: (ids: string[]) => void;
}) {
  const t = useSay();
  const money = useMoney();
  if (coupons.length === 0) return null;
  return (
    <div className="bag-coupons" data-testid="bag-coupons">
      <h2>{t('Use a coupon')}</h2>
      <ul className="coupons">
        {coupons.map((c) => {
          const on = using.includes(c.id);
          return (
            <li key={c.id}>
              <button
                className={on ? 'coupon chosen' : 'coupon'}
                data-testid={`bag-coupon-${c.campaignId}`}
                aria-pressed={on}
                onClick={() => setUsing(on ? using.filter((id) => id !== c.id) : [...using, c.id])}
              >
                <strong>{c.name}</strong>
                <span className="muted">
                  {on
                    ? t('Used on this order')
                    : t('Spend {amount} or more', { amount: money(c.minSpend) })}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      <p className="muted">{t('The coupon comes off when you order')}</p>
    </div>
  );
}

/** Why the server refused a coupon on the order, in the customer's words. */
function couponProblem(
  t: ReturnType<typeof useSay>,
  money: ReturnType<typeof useMoney>,
  coupon: ShopCoupon | undefined,
  code: string,
): string {
  const name = coupon?.name ?? '';
  if (code === 'COUPON_MIN_SPEND' && coupon) {
    return t('{name} needs a spend of {amount} or more', { name, amount: money(coupon.minSpend) });
  }
  if (code === 'COUPON_USED') return t('{name} has already been used', { name });
  if (code === 'COUPON_NOT_COMBINABLE') {
    return t('{name} cannot be used with another coupon', { name });
  }
  return t('{name} cannot be used on this order', { name });
}

/** The bag's lines a store cannot promise in full, with what it has of each. */
function shortAt(store: BagStore, lines: Bag['lines']) {
  return lines.flatMap((line) => {
    const available = store.atp[line.sku] ?? 0;
    return available < line.quantity ? [{ line, available }] : [];
  });
}

function BagScreen({
  go,
  signedIn,
  bag,
}: {
  go: (to: string) => void;
  signedIn: boolean;
  bag: Bag;
}) {
  const t = useSay();
  const money = useMoney();
  const [where, setWhere] = useWhere();
  const [stores, setStores] = useState<BagStore[] | null>(null);
  const [cities, setCities] = useState<City[]>([]);
  const [picked, setPicked] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [reload, setReload] = useState(0);
  const coupons = useMemberCoupons(signedIn);
  const [using, setUsing] = useState<string[]>([]);
  const [mode, setMode] = useState<DeliveryMode>('pickup');
  const key = useRef<string | null>(null);
  const skus = bag.lines.map((line) => line.sku).join(',');
  const wanted = bag.lines.map((line) => `${line.sku}×${line.quantity}`).join(',');

  useEffect(() => {
    if (where === 'locating' || skus === '') return;
    let live = true;
    api
      .bagStores(skus.split(','), where === 'none' ? null : where)
      .then((found) => {
        if (!live) return;
        setStores(found.stores);
        setCities(found.cities);
      })
      .catch((error: unknown) => live && setProblem(errorText(error)));
    return () => {
      live = false;
    };
  }, [skus, where, reload]);

  // A different bag, store or choice of coupons is a different order: it gets a key of its own.
  const usingKey = using.join(',');
  useEffect(() => {
    key.current = null;
  }, [wanted, picked, usingKey]);

  const covering = stores?.filter((s) => shortAt(s, bag.lines).length === 0) ?? [];
  // The customer's pick while it can still promise the bag, else the nearest that can.
  const chosen = covering.find((s) => s.id === picked) ?? (picked ? undefined : covering[0]);
  const total = bag.lines.reduce((sum, line) => sum + line.price * line.quantity, 0);

  async function order() {
    if (!chosen) return;
    if (!signedIn) {
      go(`/signin?next=${encodeURIComponent('/bag')}`);
      return;
    }
    setBusy(true);
    setProblem(null);
    key.current ??= crypto.randomUUID();
    try {
      const placed = await api.placeOrder(
        chosen.id,
        bag.lines.map(({ sku, quantity }) => ({ sku, quantity })),
        key.current,
        using,
      );
      key.current = null;
      bag.clear();
      go(`/orders/${placed.order.id}`);
    } catch (error) {
      if (
        error instanceof ShopApiError &&
        error.status === 409 &&
        typeof error.body.couponId === 'string'
      ) {
        key.current = null;
        const coupon = coupons.find((c) => c.id === error.body.couponId);
        setProblem(couponProblem(t, money, coupon, String(error.body.code ?? '')));
      } else if (
        error instanceof ShopApiError &&
        error.status === 409 &&
        Array.isArray(error.body.lines)
      ) {
        key.current = null;
        const short = (error.body.lines as ShortLine[])[0];
        const name = bag.lines.find((line) => line.sku === short?.sku)?.name ?? short?.sku ?? '';
        setProblem(t('Only {n} of {name} left at this store', { n: short?.available ?? 0, name }));
        setReload((n) => n + 1);
      } else if (error instanceof ShopApiError && error.status === 401) {
        go(`/signin?next=${encodeURIComponent('/bag')}`);
      } else {
        setProblem(t('Something went wrong: {reason}', { reason: errorText(error) }));
      }
    } finally {
      setBusy(false);
    }
  }

  if (bag.lines.length === 0) {
    return (
      <section className="bag">
        <h1>{t('Bag')}</h1>
        <p className="muted" data-testid="bag-empty">
          {t('Your bag is empty')}
        </p>
        <button className="secondary" onClick={() => go('/')}>
          {t('Browse the catalog')}
        </button>
      </section>
    );
  }
  return (
    <section className="bag">
      <button className="back" onClick={() => go('/')}>
        ‹ {t('Catalog')}
      </button>
      <h1>{t('Bag')}</h1>
      <ul className="bag-lines" data-testid="bag-lines">
        {bag.lines.map((line) => (
          <li key={line.sku} data-testid={`bag-line-${line.sku}`}>
            <div className="bag-line-head">
              <button className="bag-line-name" onClick={() => go(`/product/${line.sku}`)}>
                {line.name}
              </button>
              <strong className="price">{money(line.price * line.quantity)}</strong>
            </div>
            <div className="bag-line-controls">
              <span className="muted">{t('{price} each', { price: money(line.price) })}</span>
              <div className="quantity stepper">
                <button
                  aria-label={t('One less')}
                  data-testid={`bag-less-${line.sku}`}
                  disabled={line.quantity <= 1}
                  onClick={() => bag.setQuantity(line.sku, line.quantity - 1)}
                >
                  −
                </button>
                <output data-testid={`bag-quantity-${line.sku}`}>{line.quantity}</output>
                <button
                  aria-label={t('One more')}
                  data-testid={`bag-more-${line.sku}`}
                  disabled={line.quantity >= 99}
                  onClick={() => bag.setQuantity(line.sku, line.quantity + 1)}
                >
                  +
                </button>
              </div>
              <button
                className="remove"
                data-testid={`bag-remove-${line.sku}`}
                onClick={() => bag.remove(line.sku)}
              >
                {t('Remove')}
              </button>
            </div>
          </li>
        ))}
        <li className="bag-total">
          <span>{t('Total at list prices')}</span>
          <strong data-testid="bag-total">{money(total)}</strong>
        </li>
      </ul>
      <p className="muted">{t('Offers for your store are applied when you order')}</p>
      <DeliveryChooser signedIn={signedIn} bag={bag} mode={mode} setMode={setMode} go={go} />
      {mode !== 'pickup' ? null : (
        <>
          <CouponChooser coupons={coupons} using={using} setUsing={setUsing} />
          <StoresWhere where={where} setWhere={setWhere} cities={cities} />
          <ul className="stores" data-testid="bag-stores">
            {stores?.map((s) => {
              const short = shortAt(s, bag.lines);
              return (
                <li key={s.id}>
                  <button
                    data-testid={`bag-store-${s.id}`}
                    className={s.id === chosen?.id ? 'store chosen' : 'store'}
                    aria-pressed={s.id === chosen?.id}
                    disabled={short.length > 0}
                    onClick={() => setPicked(s.id)}
                  >
                    <span className="store-name">{s.name}</span>
                    <span className="store-address">{s.address}</span>
                    <span className="store-facts">
                      <span
                        className={short.length === 0 ? 'atp' : 'atp none'}
                        data-testid={`bag-atp-${s.id}`}
                      >
                        {short.length === 0
                          ? t('Has everything in your bag')
                          : short
                              .map(({ line, available }) =>
                                available === 0
                                  ? t('{name}: out of stock', { name: line.name })
                                  : t('{name}: only {n} left', { name: line.name, n: available }),
                              )
                              .join(t('; '))}
                      </span>
                      {s.distanceMetres !== null && (
                        <span className="distance">{distanceText(t, s.distanceMetres)}</span>
                      )}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
          {stores !== null && covering.length === 0 && (
            <p className="muted">{t('No store here has everything: change the quantities')}</p>
          )}
          <Problem text={problem} />
          {!signedIn && <p className="muted">{t('Sign in to order for pickup')}</p>}
          <button
            className="primary"
            data-testid="bag-order"
            disabled={!chosen || busy}
            onClick={() => void order()}
          >
            {chosen
              ? t('Order for pickup at {store}', { store: chosen.name })
              : t('Choose a store')}
          </button>
        </>
      )}
    </section>
  );
}

type DeliveryMode = 'pickup' | 'ship' | 'same-city';

/** [SHP17] How the bag reaches the customer: picked up (as before), an express parcel or a same-city courier. */
function DeliveryChooser({
  signedIn,
  bag,
  mode,
  setMode,
  go,
}: {
  signedIn: boolean;
  bag: Bag;
  mode: DeliveryMode;
  setMode: (mode: DeliveryMode) => void;
  go: (to: string) => void;
}) {
  const t = useSay();
  const { language } = useLocale();
  const [addresses, setAddresses] = useState<ShopAddress[] | null>(null);
  const [addressId, setAddressId] = useState<string | null>(null);
  const [quote, setQuote] = useState<DeliveryQuote | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const wanted = bag.lines.map((l) => `${l.sku}:${l.quantity}`).join(',');
  useEffect(() => {
    if (mode === 'pickup' || !signedIn) return;
    let live = true;
    api
      .addresses()
      .then(({ addresses: found }) => {
        if (!live) return;
        setAddresses(found);
        setAddressId((id) => id ?? found[0]?.id ?? null);
      })
      .catch((error: unknown) => live && setProblem(errorText(error)));
    return () => {
      live = false;
    };
  }, [mode, signedIn]);
  useEffect(() => {
    if (mode === 'pickup' || addressId === null || wanted === '') return;
    let live = true;
    api
      .deliveryOptions(
        addressId,
        bag.lines.map(({ sku, quantity }) => ({ sku, quantity })),
      )
      .then((found) => live && setQuote(found))
      .catch((error: unknown) => live && setProblem(errorText(error)));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `wanted` stands for the bag's lines
  }, [mode, addressId, wanted]);
  const [busy, setBusy] = useState(false);
  const key = useRef<string | null>(null);
  useEffect(() => {
    key.current = null;
  }, [mode, addressId, wanted]);
  async function order() {
    if (mode === 'pickup' || addressId === null) return;
    setBusy(true);
    setProblem(null);
    key.current ??= crypto.randomUUID();
    try {
      const placed = await api.placeDeliveryOrder(
        { mode, addressId },
        bag.lines.map(({ sku, quantity }) => ({ sku, quantity })),
        key.current,
      );
      key.current = null;
      bag.clear();
      go(`/orders/${placed.order.id}`);
    } catch (error) {
      key.current = null;
      if (error instanceof ShopApiError && error.body.code === 'NOT_ROUTABLE') {
        // [RP2] Nothing was placed or charged: say what no store can send.
        const short = (error.body.short ?? []) as DeliveryQuote['ship']['short'];
        setProblem(
          t('Not ordered, nothing charged: {short}', {
            short: shortText(short) || errorText(error),
          }),
        );
      } else if (error instanceof ShopApiError && error.status === 401) {
        go(`/signin?next=${encodeURIComponent('/bag')}`);
      } else {
        setProblem(t('Something went wrong: {reason}', { reason: errorText(error) }));
      }
    } finally {
      setBusy(false);
    }
  }
  const time = (iso: string) =>
    new Date(iso).toLocaleTimeString(language, { hour: '2-digit', minute: '2-digit' });
  const shortText = (short: DeliveryQuote['ship']['short']) =>
    short
      .map((s) =>
        t('{name}: only {n} can be sent', {
          name: bag.lines.find((l) => l.sku === s.sku)?.name ?? s.sku,
          n: s.available,
        }),
      )
      .join(t('; '));
  const modes: [DeliveryMode, string][] = [
    ['pickup', t('Pick up at a store')],
    ['ship', t('Express delivery')],
    ['same-city', t('Same-city delivery')],
  ];
  return (
    <div className="delivery" data-testid="delivery">
      <h2>{t('Delivery')}</h2>
      <div className="delivery-modes" role="radiogroup">
        {modes.map(([m, label]) => (
          <button
            key={m}
            role="radio"
            aria-checked={mode === m}
            className={mode === m ? 'mode chosen' : 'mode'}
            data-testid={`delivery-${m}`}
            onClick={() => setMode(m)}
          >
            {label}
          </button>
        ))}
      </div>
      {mode !== 'pickup' && !signedIn && (
        <button
          className="secondary"
          onClick={() => go(`/signin?next=${encodeURIComponent('/bag')}`)}
        >
          {t('Sign in to deliver to an address')}
        </button>
      )}
      {mode !== 'pickup' && signedIn && addresses !== null && (
        <>
          <ul className="addresses" data-testid="delivery-addresses">
            {addresses.map((a) => (
              <li key={a.id}>
                <button
                  className={a.id === addressId ? 'store chosen' : 'store'}
                  aria-pressed={a.id === addressId}
                  data-testid={`delivery-address-${a.id}`}
                  onClick={() => setAddressId(a.id)}
                >
                  <span className="store-name">
                    {a.maskedName} {a.maskedPhone}
                  </span>
                  <span className="store-address">
                    {a.region[language === 'en' ? 'en' : 'zh']} {a.detail}
                  </span>
                </button>
              </li>
            ))}
          </ul>
          <button
            className="secondary"
            data-testid="delivery-add-address"
            onClick={() => go(`/addresses?next=${encodeURIComponent('/bag')}`)}
          >
            {t('Add an address')}
          </button>
        </>
      )}
      {mode !== 'pickup' && quote && (
        <div className="quote" data-testid="delivery-quote">
          {mode === 'ship' &&
            (quote.ship.available ? (
              <p data-testid="quote-ship">
                {t('Arrives in {min}-{max} days', {
                  min: quote.ship.promiseDays?.min ?? 1,
                  max: quote.ship.promiseDays?.max ?? 3,
                })}
                {' · '}
                {quote.ship.parcels
                  .map((p) =>
                    t('from {store}, {distance}', {
                      store: p.name,
                      distance: distanceText(t, p.distanceMetres) ?? '',
                    }),
                  )
                  .join(t('; '))}
              </p>
            ) : (
              <p className="problem" data-testid="quote-ship">
                {t('Cannot be sent: {short}', { short: shortText(quote.ship.short) })}
              </p>
            ))}
          {mode === 'same-city' &&
            (quote.sameCity.available && quote.sameCity.window ? (
              <p data-testid="quote-same-city">
                {t('A courier brings it today {from}-{to}', {
                  from: time(quote.sameCity.window.from),
                  to: time(quote.sameCity.window.to),
                })}
                {' · '}
                {quote.sameCity.parcels.map((p) => p.name).join(t('; '))}
              </p>
            ) : (
              <p className="problem" data-testid="quote-same-city">
                {t('No store near this address can deliver today')}
              </p>
            ))}
          {quote.pickup.stores.length > 0 && (
            <p className="muted">
              {t('Or pick up nearby: {stores}', {
                stores: quote.pickup.stores.map((s) => s.name).join(t('; ')),
              })}
            </p>
          )}
        </div>
      )}
      <Problem text={problem} />
      {mode !== 'pickup' && signedIn && (
        <button
          className="primary"
          data-testid="delivery-order"
          disabled={
            busy ||
            addressId === null ||
            !(mode === 'ship' ? quote?.ship.available : quote?.sameCity.available)
          }
          onClick={() => void order()}
        >
          {mode === 'ship' ? t('Order for express delivery') : t('Order for same-city delivery')}
        </button>
      )}
    </div>
  );
}

/** One level of the address's region (province, city, district), named in the shopper's language. */
function RegionSelect({
  caption,
  testId,
  value,
  regions,
  onChange,
}: {
  caption: string;
  testId: string;
  value: string;
  regions: readonly Region[];
  onChange: (code: string) => void;
}) {
  const t = useSay();
  const { language } = useLocale();
  return (
    <label>
      <span>{caption}</span>
      <select data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('Choose')}</option>
        {regions.map((r) => (
          <option key={r.code} value={r.code}>
            {language === 'en' ? r.name.en : r.name.zh}
          </option>
        ))}
      </select>
    </label>
  );
}

/** [SHP14] The customer's address book: the addresses and a form for a new one. */
function AddressesScreen({ go, next }: { go: (to: string) => void; next: string }) {
  const t = useSay();
  const { language } = useLocale();
  const [addresses, setAddresses] = useState<ShopAddress[] | null>(null);
  const [province, setProvince] = useState('');
  const [city, setCity] = useState('');
  const [district, setDistrict] = useState('');
  const [detail, setDetail] = useState('');
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [reload, setReload] = useState(0);
  useEffect(() => {
    let live = true;
    api
      .addresses()
      .then(({ addresses: found }) => live && setAddresses(found))
      .catch((error: unknown) => live && setProblem(errorText(error)));
    return () => {
      live = false;
    };
  }, [reload]);
  const provinces = useMemo(() => regionChildren(null), []);
  const cities = province ? regionChildren(province) : [];
  const districts = city ? regionChildren(city) : [];
  // The address's region: the smallest one chosen that has nothing under it.
  const regionCode =
    district ||
    (city && districts.length === 0 ? city : '') ||
    (province && cities.length === 0 ? province : '');
  async function save() {
    setBusy(true);
    setProblem(null);
    try {
      await api.addAddress({ regionCode, detail, name, phone });
      setDetail('');
      setName('');
      setPhone('');
      if (next !== '/me') go(next);
      else setReload((n) => n + 1);
    } catch (error) {
      setProblem(t('Something went wrong: {reason}', { reason: errorText(error) }));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="addresses-screen">
      <button className="back" onClick={() => go(next)}>
        ‹ {t('Back')}
      </button>
      <h1>{t('Delivery addresses')}</h1>
      <ul className="addresses" data-testid="addresses">
        {addresses?.map((a) => (
          <li key={a.id} className="address">
            <span className="store-name">
              {a.maskedName} {a.maskedPhone}
            </span>
            <span className="store-address">
              {a.region[language === 'en' ? 'en' : 'zh']} {a.detail}
            </span>
            <button
              className="remove"
              onClick={() =>
                void api
                  .removeAddress(a.id)
                  .then(() => setReload((n) => n + 1))
                  .catch((error: unknown) => setProblem(errorText(error)))
              }
            >
              {t('Remove')}
            </button>
          </li>
        ))}
      </ul>
      {addresses?.length === 0 && <p className="muted">{t('No addresses yet')}</p>}
      <h2>{t('New address')}</h2>
      <form
        className="address-form"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <RegionSelect
          caption={t('Province')}
          testId="address-province"
          value={province}
          regions={provinces}
          onChange={(code) => {
            setProvince(code);
            setCity('');
            setDistrict('');
          }}
        />
        {cities.length > 0 && (
          <RegionSelect
            caption={t('City or district')}
            testId="address-city"
            value={city}
            regions={cities}
            onChange={(code) => {
              setCity(code);
              setDistrict('');
            }}
          />
        )}
        {districts.length > 0 && (
          <RegionSelect
            caption={t('District')}
            testId="address-district"
            value={district}
            regions={districts}
            onChange={setDistrict}
          />
        )}
        <label>
          <span>{t('Street address')}</span>
          <input
            data-testid="address-detail"
            maxLength={120}
            value={detail}
            onChange={(e) => setDetail(e.target.value)}
          />
        </label>
        <label>
          <span>{t('Recipient')}</span>
          <input
            data-testid="address-name"
            maxLength={40}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label>
          <span>{t('Mobile number')}</span>
          <input
            data-testid="address-phone"
            inputMode="tel"
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
          />
        </label>
        <Problem text={problem} />
        <button
          className="primary"
          data-testid="address-save"
          disabled={busy || !regionCode || !detail.trim() || !name.trim() || !phone.trim()}
        >
          {t('Save address')}
        </button>
      </form>
    </section>
  );
}

function SignInScreen({ onSignedIn }: { onSignedIn: () => void }) {
  const t = useSay();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function send() {
    setBusy(true);
    setProblem(null);
    try {
      const sent = await api.sendCode(phone);
      setSentTo(sent.maskedPhone);
    } catch (error) {
      setProblem(errorText(error));
    } finally {
      setBusy(false);
    }
  }
  async function signIn() {
    setBusy(true);
    setProblem(null);
    try {
      const opened = await api.signIn(phone, code);
      setSessionToken(opened.token);
      onSignedIn();
    } catch (error) {
      setProblem(errorText(error));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="signin">
      <h1>{t('Sign in')}</h1>
      <p className="muted">{t('Sign in to order for pickup')}</p>
      <label>
        <span>{t('Mobile number')}</span>
        <input
          data-testid="phone"
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
        />
      </label>
      <button
        data-testid="send-code"
        disabled={busy || phone.trim() === ''}
        onClick={() => void send()}
      >
        {t('Send code')}
      </button>
      {sentTo && (
        <>
          <p className="muted" data-testid="code-sent">
            {t('Code sent to {phone}', { phone: sentTo })}
          </p>
          <label>
            <span>{t('SMS code')}</span>
            <input
              data-testid="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          </label>
          <button
            className="primary"
            data-testid="sign-in"
            disabled={busy || code.trim().length !== 6}
            onClick={() => void signIn()}
          >
            {t('Sign in')}
          </button>
        </>
      )}
      <Problem text={problem} />
    </section>
  );
}

function mmss(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

function OrderScreen({ id, go }: { id: string; go: (to: string) => void }) {
  const t = useSay();
  const money = useMoney();
  const { language } = useLocale();
  const [order, setOrder] = useState<ShopOrder | null>(null);
  const [skew, setSkew] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const [paying, setPaying] = useState(false);
  const now = useNow();

  const load = useCallback(async () => {
    const asked = Date.now();
    const read = await api.order(id);
    // The server's clock is the hold's: count down from its now, not the phone's.
    setSkew(Date.parse(read.now) - (asked + Date.now()) / 2);
    setOrder(read.order);
    return read.order;
  }, [id]);

  useEffect(() => {
    let live = true;
    const tick = () => load().catch((error: unknown) => live && setProblem(errorText(error)));
    void tick();
    const timer = setInterval(() => void tick(), 10_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [load]);

  async function pay() {
    setPaying(true);
    setProblem(null);
    try {
      await api.pay(id);
      // Paid is the provider's word to the server: read the order until it says so.
      for (let i = 0; i < 20; i++) {
        const read = await load();
        if (read.status !== 'held') break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    } catch (error) {
      setProblem(t('Something went wrong: {reason}', { reason: errorText(error) }));
    } finally {
      setPaying(false);
    }
  }

  if (!order) {
    return (
      <section>
        <Problem text={problem} />
        {!problem && <p className="muted">{t('Loading…')}</p>}
      </section>
    );
  }
  const left = order.holdExpiresAt ? Date.parse(order.holdExpiresAt) - (now + skew) : 0;
  const time = (iso: string) =>
    new Intl.DateTimeFormat(language, {
      timeZone: 'Asia/Shanghai',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(iso));
  return (
    <section className="order">
      <button className="back" onClick={() => go('/me')}>
        ‹ {t('My orders')}
      </button>
      <h1>{t('Order {id}', { id: orderNumber(order.id) })}</h1>
      <p className={`status status-${order.status}`} data-testid="order-status">
        {order.delivery && order.status === 'paid'
          ? t('Paid: your delivery is being prepared')
          : statusText(language, order.status)}
      </p>
      {order.status === 'held' && (
        <div className="hold">
          {left > 0 ? (
            <>
              <span>{t('Pay within')}</span>
              <strong className="countdown" data-testid="countdown">
                {mmss(left)}
              </strong>
              {order.holdExpiresAt && (
                <span className="muted">
                  {t('Units held for you until {time}', { time: time(order.holdExpiresAt) })}
                </span>
              )}
            </>
          ) : (
            <span>{t('The hold has expired: the units went back on sale')}</span>
          )}
        </div>
      )}
      {order.pickup.map((p) => (
        <div className="pickup" key={p.storeId} data-testid="pickup">
          <span>{t('Pickup code')}</span>
          <strong className="pickup-code" data-testid="pickup-code">
            {p.code}
          </strong>
          <Qr text={p.qr} label={t('Pickup code')} />
          <span className="muted">{t('Show this code or the QR code at the store')}</span>
          {order.pickupDeadline && (
            <span className="muted">
              {t('Pick up by {time}', { time: time(order.pickupDeadline) })}
            </span>
          )}
        </div>
      ))}
      <ul className="lines">
        {order.lines.map((line) => (
          <li key={line.lineId}>
            <span className="name">
              {line.name} × {line.quantity}
            </span>
            <span>{money(line.net)}</span>
          </li>
        ))}
        {order.coupons.map((c) => (
          <li key={c.id} className="coupon-line" data-testid="order-coupon">
            <span className="name">{t('Coupon {name}', { name: c.name })}</span>
            <span>−{money(c.amount)}</span>
          </li>
        ))}
        <li className="total">
          <span>{t('Total')}</span>
          <strong data-testid="order-total">{money(order.total)}</strong>
        </li>
      </ul>
      {order.delivery && (
        <div className="delivery-to" data-testid="delivery-to">
          <span className="muted">
            {order.delivery.mode === 'ship' ? t('Express delivery to') : t('Same-city delivery to')}
          </span>
          <span>
            {order.delivery.region?.[language === 'en' ? 'en' : 'zh'] ?? ''}{' '}
            {order.delivery.detail ?? ''}
          </span>
        </div>
      )}
      {order.parcels.length > 0 && (
        <ul className="parcels" data-testid="parcels">
          {order.parcels.map((p) => (
            <li className="parcel" key={p.shipmentId} data-testid={`parcel-${p.shipmentId}`}>
              <div className="parcel-head">
                <strong>{t('From {store}', { store: p.store.name })}</strong>
                {p.store.distanceMetres !== null && (
                  <span className="muted">{distanceText(t, p.store.distanceMetres)}</span>
                )}
              </div>
              <span className={`parcel-status parcel-${p.status}`}>{t(`parcel:${p.status}`)}</span>
              <span>
                {p.carrier} · {t('Waybill {no}', { no: p.trackingNo })}
              </span>
              {p.window && (
                <span>
                  {t('Delivered {from}-{to}', {
                    from: time(p.window.from),
                    to: time(p.window.to).slice(-5),
                  })}
                </span>
              )}
              <span className="muted">
                {p.lines.map((l) => `${l.name} × ${l.quantity}`).join(t('; '))}
              </span>
              <span className="muted why">
                {p.why.eligible <= 1 || p.why.decidedBy === 'only-plan'
                  ? t('Why this store: the only one that has it')
                  : p.why.decidedBy === 'shipments'
                    ? t('Why this store: it sends everything in the fewest parcels')
                    : p.why.decidedBy === 'distance'
                      ? t('Why this store: nearest of {n} stores that have it', {
                          n: p.why.eligible,
                        })
                      : t('Why this store: chosen of {n} stores that have it', {
                          n: p.why.eligible,
                        })}
              </span>
            </li>
          ))}
        </ul>
      )}
      {order.stores.map((s) => (
        <div className="pickup-store" key={s.id} data-testid="pickup-store">
          <span className="muted">{t('Pick up at')}</span>
          <strong>{s.name}</strong>
          <span className="muted">{s.address}</span>
        </div>
      ))}
      <Problem text={problem} />
      {order.status === 'held' && left > 0 && (
        <button className="primary" data-testid="pay" disabled={paying} onClick={() => void pay()}>
          {paying ? t('Paying…') : t('Pay {amount}', { amount: money(order.total) })}
        </button>
      )}
    </section>
  );
}

function MeScreen({ go, onSignOut }: { go: (to: string) => void; onSignOut: () => void }) {
  const t = useSay();
  const money = useMoney();
  const { language } = useLocale();
  const [me, setMe] = useState<Me | null>(null);
  const [campaigns, setCampaigns] = useState<Campaign[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [shown, setShown] = useState<string | null>(null);
  const refresh = useCallback(() => {
    api
      .me()
      .then(setMe)
      .catch((error: unknown) => {
        if (error instanceof ShopApiError && error.status === 401) onSignOut();
        else setProblem(errorText(error));
      });
    api
      .campaigns()
      .then((found) => setCampaigns(found.campaigns))
      .catch(() => setCampaigns([]));
  }, [onSignOut]);
  useEffect(() => {
    refresh();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  async function claim(campaignId: string) {
    setProblem(null);
    try {
      await api.claim(campaignId);
      refresh();
    } catch (error) {
      setProblem(errorText(error));
    }
  }
  if (!me) {
    return (
      <section>
        <Problem text={problem} />
        {!problem && <p className="muted">{t('Loading…')}</p>}
      </section>
    );
  }
  const { customer } = me;
  return (
    <section className="me">
      <div className="card">
        <strong data-testid="me-phone">{customer.maskedPhone}</strong>
        {customer.memberId ? (
          <div className="facts">
            <span>
              {t('Points')} <strong data-testid="points">{customer.points}</strong>
            </span>
            <span>
              {t('Tier')} <strong data-testid="tier">{t(`tier:${customer.tier ?? ''}`)}</strong>
            </span>
          </div>
        ) : (
          <p className="muted">{t('Not a member yet: orders are kept under your phone number')}</p>
        )}
      </div>
      <h2>{t('Coupons')}</h2>
      {me.coupons.length === 0 ? (
        <p className="muted">{t('No coupons yet')}</p>
      ) : (
        <ul className="coupons">
          {me.coupons.map((c) => (
            <li key={c.id} data-testid={`coupon-${c.id}`}>
              <button
                className="coupon"
                disabled={c.status !== 'issued'}
                onClick={() => setShown(shown === c.id ? null : c.id)}
              >
                <strong>{c.name}</strong>
                <span className="muted">
                  {c.status === 'issued'
                    ? t('Spend {amount} or more; show at the till', { amount: money(c.minSpend) })
                    : t('Used')}
                </span>
              </button>
              {shown === c.id && <Qr text={c.code} label={c.name} />}
            </li>
          ))}
        </ul>
      )}
      {customer.memberId &&
        campaigns
          .filter(
            (c) =>
              c.left > 0 &&
              me.coupons.filter((mine) => mine.campaignId === c.id).length < c.perMember,
          )
          .map((c) => (
            <div className="campaign" key={c.id}>
              <span>
                <strong>{c.name}</strong>
                <span className="muted">
                  {' '}
                  {t('Spend {amount} or more', { amount: money(c.minSpend) })}
                </span>
              </span>
              <button
                className="claim"
                data-testid={`claim-${c.id}`}
                onClick={() => void claim(c.id)}
              >
                {t('Claim')}
              </button>
            </div>
          ))}
      <Problem text={problem} />
      <h2>{t('My orders')}</h2>
      {me.orders.length === 0 ? (
        <p className="muted">{t('No orders yet')}</p>
      ) : (
        <ul className="orders">
          {me.orders.map((o) => (
            <li key={o.id}>
              <button data-testid={`order-${o.id}`} onClick={() => go(`/orders/${o.id}`)}>
                <span className="name">
                  {o.lines.map((l) => `${l.name} × ${l.quantity}`).join('、')}
                </span>
                <span className="order-facts">
                  <span>{statusText(language, o.status)}</span>
                  <strong>{money(o.total)}</strong>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <button className="secondary" data-testid="me-addresses" onClick={() => go('/addresses')}>
        {t('Delivery addresses')}
      </button>
      <button className="secondary" onClick={onSignOut}>
        {t('Sign out')}
      </button>
    </section>
  );
}
