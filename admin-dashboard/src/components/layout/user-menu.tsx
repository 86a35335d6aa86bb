import { LogOut } from "lucide-react";
import { useState } from "react";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ROLE_LABELS } from "@/features/auth/roles";
import { session, type AdminUser } from "@/features/auth/session";

/** Who is signed in, as which role, and the way out. */
export function UserMenu({ user }: { user: AdminUser }) {
  const [signingOut, setSigningOut] = useState(false);
  return (
    <div className="flex items-center gap-2">
      <p className="hidden items-center gap-2 text-sm sm:flex">
        <span className="sr-only">Signed in as </span>
        <span className="max-w-56 truncate" title={user.email}>
          {user.email}
        </span>
        <Badge>
          <span className="sr-only">Role: </span>
          {ROLE_LABELS[user.role]}
        </Badge>
      </p>
      <Button
        variant="outline"
        size="sm"
        disabled={signingOut}
        onClick={() => {
          setSigningOut(true);
          // Ends the session; `RequireAuth` then shows the login page.
          void session.signOut();
        }}
      >
        <LogOut aria-hidden="true" className="size-4" />
        {/* Icon only on small screens; the name stays for screen readers. */}
        <span className="sr-only sm:not-sr-only">{signingOut ? "Signing out…" : "Sign out"}</span>
      </Button>
    </div>
  );
}
