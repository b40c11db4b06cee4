import { useMutation } from '@tanstack/react-query';
import { api, call } from '../../../api/client';
import { session } from '../../../api/session';

export function useLogin() {
  return useMutation({
    mutationFn: async (body: { email: string; password: string }) => {
      const result = await call(api.POST('/api/v1/auth/login', { body }));
      session.start({ accessToken: result.accessToken, expiresAt: Date.now() + result.expiresIn * 1000, staff: result.staff });
      return result;
    },
  });
}
