/**
 * Settings for admins (issue item 7 and the catalog): one page with a
 * sub-navigation and a nested route per screen. REP and VIEWER get a plain
 * "admins only" page (the header hides the link, but the URL can be typed),
 * and none of the screens' queries run for them.
 */
import { NavLink, Navigate, Route, Routes } from 'react-router';

import { useCan } from '../auth/viewer';
import { Notice } from '../ui/States';
import { AccountSettings } from './AccountSettings';
import { ApiKeysSettings } from './ApiKeysSettings';
import { DunningSettings } from './DunningSettings';
import { EmailTemplatesSettings } from './EmailTemplatesSettings';
import { EventsSettings } from './EventsSettings';
import { GatewaysSettings } from './GatewaysSettings';
import { InvoiceTemplatesSettings } from './InvoiceTemplatesSettings';
import { OffersSettings } from './OffersSettings';
import { PartnersSettings } from './PartnersSettings';
import { ProductsSettings } from './ProductsSettings';
import { UsersSettings } from './UsersSettings';
import { WebhooksSettings } from './WebhooksSettings';
import './settings.css';

/** Each screen's path under /settings, its link text and its component. */
const SCREENS = [
  { path: 'account', label: 'Account', element: <AccountSettings /> },
  { path: 'gateways', label: 'Gateways', element: <GatewaysSettings /> },
  { path: 'api-keys', label: 'API keys', element: <ApiKeysSettings /> },
  { path: 'webhooks', label: 'Webhooks', element: <WebhooksSettings /> },
  { path: 'events', label: 'Events', element: <EventsSettings /> },
  { path: 'invoice-templates', label: 'Invoice templates', element: <InvoiceTemplatesSettings /> },
  { path: 'dunning', label: 'Dunning', element: <DunningSettings /> },
  { path: 'emails', label: 'Emails', element: <EmailTemplatesSettings /> },
  { path: 'users', label: 'Users', element: <UsersSettings /> },
  { path: 'products', label: 'Products', element: <ProductsSettings /> },
  { path: 'offers', label: 'Offers', element: <OffersSettings /> },
  { path: 'partners', label: 'Partners', element: <PartnersSettings /> },
] as const;

export function SettingsPage() {
  const admin = useCan('ADMIN');
  if (!admin) {
    return (
      <div className="page">
        <h1>Settings</h1>
        <Notice tone="warning">Only admins can change settings. Ask an admin or the account owner if something here needs changing.</Notice>
      </div>
    );
  }
  return (
    <div className="page settings">
      <h1>Settings</h1>
      <div className="settings-layout">
        <nav className="settings-nav" aria-label="Settings">
          {SCREENS.map((screen) => (
            <NavLink key={screen.path} to={`/settings/${screen.path}`}>
              {screen.label}
            </NavLink>
          ))}
        </nav>
        <div className="settings-content">
          <Routes>
            <Route index element={<Navigate to="/settings/account" replace />} />
            {SCREENS.map((screen) => (
              <Route key={screen.path} path={screen.path} element={screen.element} />
            ))}
            <Route path="*" element={<Notice tone="warning">There is no such settings page. Pick one from the list.</Notice>} />
          </Routes>
        </div>
      </div>
    </div>
  );
}
