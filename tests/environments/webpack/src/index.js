import { AccountGroups, ProblemError } from 'upvest-account-groups';
import { showChecks } from '../shared/page.js';

showChecks({ AccountGroups, ProblemError });
