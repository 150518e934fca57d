// Every Web API method the simulator answers; anything else is `unknown_method`.
import { authMethods } from './auth.js';
import { chatMethods } from './chat.js';
import type { MethodTable } from './context.js';
import { conversationMethods } from './conversations.js';
import { fileMethods } from './files.js';
import { userMethods } from './users.js';
import { viewMethods } from './views.js';

export const METHODS: MethodTable = {
  ...authMethods,
  ...chatMethods,
  ...viewMethods,
  ...conversationMethods,
  ...userMethods,
  ...fileMethods,
};
