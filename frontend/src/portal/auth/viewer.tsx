/**
 * Who is signed in, for every screen: the user, their role and the account.
 * The portal hides what the role may not do (a VIEWER sees no action
 * buttons); the API still refuses it with FORBIDDEN, so hiding is courtesy,
 * not security.
 */
import { createContext, useContext } from 'react';

import type { Role } from '../gql/graphql';
import { graphql } from '../gql';

export const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      role
      user {
        id
        email
        role
      }
      account {
        id
        name
        defaultCurrency
        locale
        timezone
      }
    }
  }
`);

export interface ViewerInfo {
  role: Role;
  email: string;
  accountName: string;
  defaultCurrency: string;
  locale: string;
  signOut: () => void;
}

export const ViewerContext = createContext<ViewerInfo | null>(null);

export function useViewer(): ViewerInfo {
  const viewer = useContext(ViewerContext);
  if (!viewer) throw new Error('useViewer outside the signed-in portal');
  return viewer;
}

const RANK: Record<Role, number> = { VIEWER: 0, REP: 1, ADMIN: 2, OWNER: 3 };

/** Whether the role may do what needs `needed` (DESIGN.md's roles table). */
export function roleAllows(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

export function useCan(needed: Role): boolean {
  return roleAllows(useViewer().role, needed);
}
