global using TaskStatus = CambApi.Client.TaskStatus;
