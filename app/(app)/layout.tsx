import { AppShell } from "@/components/shell/app-shell";
import { getPageTenantContext } from "@/lib/server/session";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const ctx = await getPageTenantContext();
  return <AppShell ctx={ctx}>{children}</AppShell>;
}
