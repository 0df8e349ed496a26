// Who is signed in: /auth/me (which also hands back the session's CSRF token).
import { useQuery } from "@tanstack/react-query";
import { api, ok, setCsrfToken } from "../api/client";

export function useMe() {
  return useQuery({
    queryKey: ["me"],
    queryFn: async () => {
      const me = await ok(api.GET("/api/v2/auth/me"));
      setCsrfToken(me.csrf_token);
      return me;
    },
    staleTime: 60_000,
    retry: false,
  });
}
