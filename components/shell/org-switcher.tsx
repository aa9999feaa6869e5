"use client";

import { useTranslations } from "next-intl";
import { useTransition } from "react";
import { switchOrgAction } from "@/app/actions/orgs";

export function OrgSwitcher({ orgs, activeOrgId }: { orgs: Array<{ id: string; name: string }>; activeOrgId: string }) {
  const t = useTranslations("nav");
  const [pending, startTransition] = useTransition();
  if (orgs.length < 2) return <span className="text-sm font-medium text-slate-700">{orgs[0]?.name}</span>;
  return (
    <select
      aria-label={t("switchOrg")}
      className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
      value={activeOrgId}
      disabled={pending}
      onChange={(event) => {
        const orgId = event.target.value;
        startTransition(() => switchOrgAction(orgId));
      }}
    >
      {orgs.map((org) => (
        <option key={org.id} value={org.id}>
          {org.name}
        </option>
      ))}
    </select>
  );
}
