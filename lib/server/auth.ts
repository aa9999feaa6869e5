import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "@/db";
import { getSecret } from "./secrets";
import { hitRateLimit, isRateLimited } from "./rate-limit";
import { verifyCredentials } from "./services/accounts";

/** Failed sign-ins are limited per e-mail and per client address. */
export const SIGN_IN_LIMIT = { perEmail: 10, perIp: 30, windowSeconds: 15 * 60 };

class RateLimitedSignin extends CredentialsSignin {
  code = "rate_limited";
}

const credentialsInput = z.object({ email: z.string().trim().toLowerCase().email(), password: z.string().min(1) });

/** Client address as the proxy in front of us reports it. */
export function clientAddress(headers: Headers): string {
  return headers.get("x-forwarded-for")?.split(",")[0]?.trim() || headers.get("x-real-ip") || "local";
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: getSecret("AUTH_SECRET"),
  trustHost: true,
  session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
  pages: { signIn: "/sign-in" },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(raw, request) {
        const parsed = credentialsInput.safeParse(raw);
        if (!parsed.success) return null;
        const { email, password } = parsed.data;
        const db = await getDb();
        const keys = [`signin:email:${email}`, `signin:ip:${clientAddress(request.headers)}`];
        const limits = [SIGN_IN_LIMIT.perEmail, SIGN_IN_LIMIT.perIp];
        // Only failures count: colleagues behind one office address signing in every morning are not an attack.
        const limited = await Promise.all(keys.map((key, i) => isRateLimited(db, key, limits[i], SIGN_IN_LIMIT.windowSeconds)));
        if (limited.some(Boolean)) throw new RateLimitedSignin();
        const user = await verifyCredentials(db, email, password);
        if (!user) {
          await Promise.all(keys.map((key, i) => hitRateLimit(db, key, limits[i], SIGN_IN_LIMIT.windowSeconds)));
          return null;
        }
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) token.uid = user.id;
      return token;
    },
    session({ session, token }) {
      if (token.uid && session.user) session.user.id = token.uid as string;
      return session;
    },
  },
}));
