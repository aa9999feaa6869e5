"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useTransition } from "react";
import { switchOrgAction } from "@/app/actions/orgs";

const NEW_ORG = "__new__";

/** Switches the active org; its last option leads to creating another org. */
export function OrgSwitcher({ orgs, activeOrgId }: { orgs: Array<{ id: string; name: string }>; activeOrgId: string }) {
  const t = useTranslations("nav");
  const to = useTranslations("orgs");
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <select
      aria-label={t("switchOrg")}
      className="max-w-56 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
      value={activeOrgId}
      disabled={pending}
      onChange={(event) => {
        const orgId = event.target.value;
        if (orgId === NEW_ORG) {
          router.push("/orgs/new");
          return;
        }
        startTransition(() => switchOrgAction(orgId));
      }}
    >
      {orgs.map((org) => (
        <option key={org.id} value={org.id}>
          {org.name}
        </option>
      ))}
      <option value={NEW_ORG}>{to("newOrg")}</option>
    </select>
  );
}
