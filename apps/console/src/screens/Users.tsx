/**
 * 用户 Users (`users:manage`): the console's users with their role,
 * stores, TOTP and state; create one; change a user's role or stores,
 * disable or enable them, reset their password.
 */
import { useState, type FormEvent } from 'react';
import {
  CONSOLE_ROLES,
  type ConsoleRole,
  type ConsoleUserView,
  type UpdateUserRequest,
} from '@pos/domain';
import { pickerStores } from '../access';
import { ROLE_WORDS } from '../messages';
import {
  DataTable,
  ErrorBanner,
  failureText,
  useConsole,
  useLive,
  when,
  type Column,
} from '../kit';

/** Roles that see every store; the others see the stores assigned. */
function seesAll(role: ConsoleRole): boolean {
  return role === 'hq-admin' || role === 'analyst';
}

function storesText(stores: ConsoleUserView['stores'], all: string): string {
  return stores === 'all' ? all : stores.join(', ');
}

/** The stores typed as `S001, S002` (upper case, no repeats). */
function storesOfText(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,，]+/)
        .map((s) => s.trim().toUpperCase())
        .filter(Boolean),
    ),
  ];
}

export function Users() {
  const { t, api, language } = useConsole();
  const users = useLive((signal) => api.users(signal), 'users', false);
  const [chosen, setChosen] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const columns: Column<ConsoleUserView>[] = [
    { header: t('Name'), value: (u) => u.name },
    { header: t('Display name'), value: (u) => u.displayName },
    { header: t('Role'), value: (u) => t(ROLE_WORDS[u.role]) },
    { header: t('Stores'), value: (u) => storesText(u.stores, t('All stores')) },
    { header: t('TOTP'), value: (u) => t(u.totpEnabled ? 'On' : 'Off') },
    {
      header: t('State'),
      value: (u) => t(u.disabled ? 'Disabled' : 'Active'),
      render: (u) => (
        <span className={`status-chip ${u.disabled ? 'failed' : 'acked'}`}>
          {t(u.disabled ? 'Disabled' : 'Active')}
        </span>
      ),
    },
    {
      header: t('Last sign-in'),
      value: (u) => u.lastSignInAt ?? '',
      render: (u) => when(language, u.lastSignInAt),
    },
  ];
  const picked = users.data?.find((u) => u.id === chosen) ?? null;
  const changed = (message: string) => {
    setNotice(message);
    users.reload();
  };
  return (
    <main className="screen-body">
      <section className="toolbar">
        <h1>{t('Users')}</h1>
        {chosen && (
          <button type="button" className="chip" onClick={() => setChosen(null)}>
            {t('New user')}
          </button>
        )}
      </section>
      {notice && (
        <p className="notice banner" role="status">
          {notice}
        </p>
      )}
      <ErrorBanner text={users.error} />
      <section className="master-detail">
        <DataTable
          title={t('Console users')}
          name="users"
          columns={columns}
          rows={users.data ?? []}
          rowKey={(u) => u.id}
          rowClass={(u) => (u.disabled ? 'muted' : undefined)}
          onRow={(u) => setChosen(u.id)}
          selected={chosen}
          file="console-users"
          empty={t('No users yet')}
        />
        {picked ? (
          <EditUser key={picked.id} user={picked} onChanged={changed} />
        ) : (
          <CreateUser onCreated={changed} />
        )}
      </section>
    </main>
  );
}

function RoleAndStores({
  role,
  stores,
  onRole,
  onStores,
}: {
  role: ConsoleRole;
  stores: string;
  onRole: (role: ConsoleRole) => void;
  onStores: (stores: string) => void;
}) {
  const { t, session, seenStores } = useConsole();
  const known = pickerStores(session, seenStores);
  return (
    <>
      <label>
        {t('Role')}
        <select value={role} onChange={(e) => onRole(e.target.value as ConsoleRole)}>
          {CONSOLE_ROLES.map((r) => (
            <option key={r} value={r}>
              {t(ROLE_WORDS[r])}
            </option>
          ))}
        </select>
      </label>
      {seesAll(role) ? (
        <p className="hint">{t('This role sees every store')}</p>
      ) : (
        <label>
          {t('Stores (comma between)')}
          <input value={stores} onChange={(e) => onStores(e.target.value)} list="known-stores" />
          <datalist id="known-stores">
            {known.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </datalist>
        </label>
      )}
    </>
  );
}

function NewPassword({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (password: string) => void;
}) {
  return (
    <label>
      {label}
      <input
        type="password"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        autoComplete="new-password"
      />
    </label>
  );
}

function CreateUser({ onCreated }: { onCreated: (message: string) => void }) {
  const { t, api } = useConsole();
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<ConsoleRole>('store-manager');
  const [stores, setStores] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const storeList = storesOfText(stores);
  const ready =
    /^[a-z0-9._-]{2,40}$/.test(name.trim().toLowerCase()) &&
    !!displayName.trim() &&
    password.length >= 10 &&
    (seesAll(role) || storeList.length > 0);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    try {
      const user = await api.createUser({
        name: name.trim().toLowerCase(),
        displayName: displayName.trim(),
        role,
        stores: seesAll(role) ? 'all' : storeList,
        password,
      });
      setName('');
      setDisplayName('');
      setPassword('');
      onCreated(t('User {name} created', { name: user.name }));
    } catch (failure) {
      setProblem(failureText(t, failure));
    }
  };
  return (
    <form
      className="panel detail-panel stacked-form"
      onSubmit={(e) => void submit(e)}
      aria-label={t('New user')}
    >
      <h2>{t('New user')}</h2>
      <label>
        {t('Name')}
        <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
      </label>
      <label>
        {t('Display name')}
        <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
      </label>
      <RoleAndStores role={role} stores={stores} onRole={setRole} onStores={setStores} />
      <NewPassword
        label={t('Password (at least 10 characters)')}
        value={password}
        onChange={setPassword}
      />
      <button type="submit" className="primary" disabled={!ready}>
        {t('Create user')}
      </button>
      <ErrorBanner text={problem} />
    </form>
  );
}

function EditUser({
  user,
  onChanged,
}: {
  user: ConsoleUserView;
  onChanged: (message: string) => void;
}) {
  const { t, api, session } = useConsole();
  const [role, setRole] = useState<ConsoleRole>(user.role);
  const [stores, setStores] = useState(user.stores === 'all' ? '' : user.stores.join(', '));
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const self = user.id === session.user.id;
  const update = async (change: UpdateUserRequest, words: string) => {
    setProblem(null);
    try {
      await api.updateUser(user.id, change);
      onChanged(t(words, { name: user.name }));
    } catch (failure) {
      setProblem(failureText(t, failure));
    }
  };
  const storeList = storesOfText(stores);
  return (
    <section className="panel detail-panel stacked-form" aria-label={user.name}>
      <h2>
        {user.displayName} <span className="hint">{user.name}</span>
      </h2>
      <RoleAndStores role={role} stores={stores} onRole={setRole} onStores={setStores} />
      <button
        type="button"
        className="primary"
        disabled={!seesAll(role) && storeList.length === 0}
        onClick={() =>
          void update(
            { role, stores: seesAll(role) ? 'all' : storeList },
            'Role and stores of {name} changed',
          )
        }
      >
        {t('Save role and stores')}
      </button>
      <NewPassword
        label={t('New password (at least 10 characters)')}
        value={password}
        onChange={setPassword}
      />
      <button
        type="button"
        className="chip"
        disabled={password.length < 10}
        onClick={() => {
          void update({ password }, 'Password of {name} reset');
          setPassword('');
        }}
      >
        {t('Reset password')}
      </button>
      {!self && (
        <button
          type="button"
          className={user.disabled ? 'chip' : 'chip danger'}
          onClick={() =>
            void update(
              { disabled: !user.disabled },
              user.disabled ? '{name} enabled' : '{name} disabled',
            )
          }
        >
          {t(user.disabled ? 'Enable' : 'Disable')}
        </button>
      )}
      <ErrorBanner text={problem} />
    </section>
  );
}
