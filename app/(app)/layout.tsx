import { Providers } from "@/components/providers";
import { AppShell } from "@/components/shell/app-shell";
import { getPageTenantContext } from "@/lib/server/session";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const ctx = await getPageTenantContext();
  return (
    <Providers>
      <AppShell ctx={ctx}>{children}</AppShell>
    </Providers>
  );
}
