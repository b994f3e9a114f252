import { AccountGroups, ProblemError } from 'upvest-account-groups';
import { handleCheck } from '../shared/handler.js';

export default {
  fetch(request) {
    return handleCheck({ AccountGroups, ProblemError }, request);
  },
};
