import { PageLoading } from "@/components/ui/page-loading";

/**
 * Loading UI sits in a route group of its own so that no Suspense boundary wraps the routes that take an id: their
 * pages call notFound() before anything streams, and so answer another org's ids with a real HTTP 404.
 */
export default function Loading() {
  return <PageLoading />;
}
